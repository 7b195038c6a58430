#!/bin/sh
# The seeds' second demo, "offline HSM KSK + online software ZSKs using
# fake HSM": opencryptoki's soft token behind pkcsslotd (RSA only):
# tests/demo.sh.
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/knot.sh"
. "$TESTS_DIR/demo.sh"
knot_require 2>/dev/null || skip_all "$(knot_require 2>&1)"
[ "$(id -u)" -eq 0 ] || skip_all "opencryptoki's stand-in needs root"
standin_start ocksw

export KSKIT_SO_PIN=so-12345 KSKIT_PIN=us-12345 KSKIT_BUNDLE_PASSPHRASE="correct horse battery staple"
MODULE=$KSKIT_TEST_MODULE
WORK=$(mktemp -d "${TMPDIR:-/tmp}/kskit-demo.XXXXXX")
D=$WORK/served
trap 'knot_stop "$D"; rm -rf "$WORK"; standin_stop' EXIT

demo "fake HSM" RSASHA256 demo-fake-hsm "pkcs11:slot-id=$KSKIT_TEST_SLOT?module-path=$MODULE" certificate
done_testing
