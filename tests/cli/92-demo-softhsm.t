#!/bin/sh
# The seeds' first demo, "offline smart card KSK + online software ZSKs",
# with SoftHSM for the card: tests/demo.sh.
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/knot.sh"
. "$TESTS_DIR/demo.sh"
knot_require 2>/dev/null || skip_all "$(knot_require 2>&1)"
standin_start softhsm

export KSKIT_SO_PIN=12345678 KSKIT_PIN=123456 KSKIT_BUNDLE_PASSPHRASE="correct horse battery staple"
MODULE=$KSKIT_TEST_MODULE
WORK=$(mktemp -d "${TMPDIR:-/tmp}/kskit-demo.XXXXXX")
D=$WORK/served
trap 'knot_stop "$D"; rm -rf "$WORK"; standin_stop' EXIT

slot=$(softhsm2-util --show-slots | awk '/^Slot / { s = $2 } /Initialized: +no/ { print s; exit }')
demo "SoftHSM" ECDSAP256SHA256 demo-card "pkcs11:slot-id=$slot?module-path=$MODULE" passphrase
done_testing
