/* signer-daemon.c - kskit signer --daemon: the zone kept signed, the
 * demo DVD's signemd.  One run at start, then a run whenever the zone
 * file changes, SIGHUP comes, the signatures reach their refresh point or
 * the period ends (when the next keybundle alone is decrypted). */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "lib/error.h"
#include "lib/utc.h"
#include "signer.h"

static volatile sig_atomic_t stop, hup;

static void on_signal(int sig)
{
	if (sig == SIGHUP)
		hup = 1;
	else
		stop = 1;
}

static void catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal; /* no SA_RESTART: sleep() ends at once */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
}

/* Has the file changed since *last (which becomes its state now)? */
static int changed(const char *path, struct stat *last)
{
	struct stat st;
	int differs;

	if (stat(path, &st) != 0)
		return 0; /* gone for a moment: an editor saving it */
	differs = st.st_mtim.tv_sec != last->st_mtim.tv_sec ||
		  st.st_mtim.tv_nsec != last->st_mtim.tv_nsec || st.st_size != last->st_size ||
		  st.st_ino != last->st_ino;
	*last = st;
	return differs;
}

static void say(const char *what, int ret)
{
	char now[32];

	kskit_utc_format(time(NULL), KSKIT_UTC_ISO, now, sizeof(now));
	printf("%s %s", now, what);
	if (ret)
		printf(": %s (%s)", kskit_strerror(ret), kskit_error_detail(ret));
	putchar('\n');
	fflush(stdout);
}

int signer_daemon(struct signer_opts *o)
{
	struct kskit_keybundle *kb = NULL;
	struct stat last;
	time_t next;
	int ret;

	catch_signals();
	memset(&last, 0, sizeof(last));
	changed(o->input, &last);
	o->sign.now = time(NULL);
	ret = signer_run(o, &kb);
	if (ret) {
		kskit_keybundle_free(kb);
		return cli_fail(NULL, ret);
	}
	next = o->due;
	say("signer running", 0);
	while (!stop) {
		time_t now = time(NULL);
		int edited = changed(o->input, &last);

		if (!(edited || hup || now >= next || (kb && now >= kb->expiration))) {
			sleep((unsigned)o->poll);
			continue;
		}
		hup = 0;
		if (kb && now >= kb->expiration) { /* the period is over: the next one's keys */
			kskit_keybundle_free(kb);
			kb = NULL;
		}
		o->sign.now = now;
		ret = signer_run(o, &kb);
		if (ret == 0)
			next = o->due;
		else
			say("signing failed, the last signed zone stays", ret);
		if (ret && ret != KSKIT_EZONE) /* keys, disk: again soon; a zone: when edited */
			next = now + (time_t)o->poll;
	}
	say("signer stopped", 0);
	kskit_keybundle_free(kb);
	return EXIT_OK;
}
