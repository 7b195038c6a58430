/* commands.h - the subcommands of kskit, one source file each. */
#ifndef KSKIT_COMMANDS_H
#define KSKIT_COMMANDS_H

int cmd_token_list(int argc, char **argv);
int cmd_token_init(int argc, char **argv);
int cmd_token_show(int argc, char **argv);
int cmd_token_delete(int argc, char **argv);
int cmd_token_import(int argc, char **argv);
int cmd_token_test(int argc, char **argv);
int cmd_rng(int argc, char **argv);
int cmd_keygen(int argc, char **argv);
int cmd_ksr(int argc, char **argv);
int cmd_sign(int argc, char **argv);
int cmd_bundle_seal(int argc, char **argv);
int cmd_bundle_open(int argc, char **argv);
int cmd_bundle_inspect(int argc, char **argv);
int cmd_bundle_verify(int argc, char **argv);
int cmd_signer(int argc, char **argv);
int cmd_signer_status(int argc, char **argv);
int cmd_digest(int argc, char **argv);
int cmd_dkek_create(int argc, char **argv);
int cmd_dkek_import(int argc, char **argv);
int cmd_dkek_status(int argc, char **argv);
int cmd_dkek_resplit(int argc, char **argv);
int cmd_backup_export(int argc, char **argv);
int cmd_backup_import(int argc, char **argv);
int cmd_backup_transport(int argc, char **argv);
int cmd_backup_show(int argc, char **argv);

#endif
