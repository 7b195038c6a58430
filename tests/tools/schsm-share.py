#!/usr/bin/python3
"""An independent implementation of OpenSC sc-hsm-tool's DKEK share files.

A share file is 64 bytes: b"Salted__", an 8-byte salt, then the 32-byte
DKEK share under AES-256-CBC with PKCS#7 padding (48 bytes).  Key and IV
come from OpenSSL's EVP_BytesToKey with MD5 and 10,000,000 iterations:

    D_1 = MD5^count(password || salt)
    D_i = MD5^count(D_(i-1) || password || salt)
    key || iv = D_1 || D_2 || D_3   (32 + 16 of the 48 bytes)

where MD5^count is MD5 applied count times.  The derivation is written here
with hashlib; the cipher is `openssl enc -aes-256-cbc -K ... -iv ...`.
Nothing is taken from kskit or OpenSC.

Usage:
    schsm-share.py [--iter N] [--hex-password] encrypt PASSWORD SHAREHEX OUTFILE [SALTHEX]
    schsm-share.py [--iter N] [--hex-password] decrypt PASSWORD FILE

encrypt writes the 64-byte file (a random salt unless SALTHEX is given);
decrypt prints the 32-byte share in lowercase hex, or fails (exit 1) on a
wrong password or a damaged file.  PASSWORD is taken as its bytes, or as
hex with --hex-password (sc-hsm-tool's n-of-m passwords are 8 raw bytes).
"""

import argparse
import hashlib
import os
import subprocess
import sys

MAGIC = b"Salted__"
ITERATIONS = 10000000


def bytes_to_key(password, salt, count):
    out = b""
    prev = b""
    while len(out) < 48:
        h = hashlib.md5(prev + password + salt).digest()
        for _ in range(count - 1):
            h = hashlib.md5(h).digest()
        out += h
        prev = h
    return out[:32], out[32:48]


def openssl_aes(decrypt, key, iv, data):
    cmd = ["openssl", "enc", "-aes-256-cbc", "-nosalt", "-K", key.hex(), "-iv", iv.hex()]
    if decrypt:
        cmd.insert(2, "-d")
    r = subprocess.run(cmd, input=data, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       check=False)
    return r.returncode, r.stdout


def encrypt(password, share, salt, count):
    if len(share) != 32:
        sys.exit("schsm-share.py: a DKEK share is 32 bytes")
    if len(salt) != 8:
        sys.exit("schsm-share.py: the salt is 8 bytes")
    key, iv = bytes_to_key(password, salt, count)
    rc, ct = openssl_aes(False, key, iv, share)
    if rc != 0 or len(ct) != 48:
        sys.exit("schsm-share.py: openssl enc failed")
    return MAGIC + salt + ct


def decrypt(password, data, count):
    if len(data) != 64 or data[:8] != MAGIC:
        sys.exit("schsm-share.py: not a 64-byte 'Salted__' DKEK share file")
    key, iv = bytes_to_key(password, data[8:16], count)
    rc, pt = openssl_aes(True, key, iv, data[16:])
    if rc != 0 or len(pt) != 32:
        sys.exit("schsm-share.py: wrong password or damaged share file")
    return pt


def main():
    ap = argparse.ArgumentParser(description="sc-hsm-tool DKEK share files")
    ap.add_argument("--iter", type=int, default=ITERATIONS,
                    help="EVP_BytesToKey iterations (default %d)" % ITERATIONS)
    ap.add_argument("--hex-password", action="store_true",
                    help="PASSWORD is hex (raw bytes)")
    sub = ap.add_subparsers(dest="cmd", required=True)
    enc = sub.add_parser("encrypt")
    enc.add_argument("password")
    enc.add_argument("share")
    enc.add_argument("outfile")
    enc.add_argument("salt", nargs="?")
    dec = sub.add_parser("decrypt")
    dec.add_argument("password")
    dec.add_argument("file")
    a = ap.parse_args()

    if a.iter < 1:
        sys.exit("schsm-share.py: --iter must be at least 1")
    pw = bytes.fromhex(a.password) if a.hex_password else os.fsencode(a.password)
    if a.cmd == "encrypt":
        salt = bytes.fromhex(a.salt) if a.salt else os.urandom(8)
        data = encrypt(pw, bytes.fromhex(a.share), salt, a.iter)
        with open(a.outfile, "wb") as f:
            f.write(data)
    else:
        with open(a.file, "rb") as f:
            data = f.read()
        print(decrypt(pw, data, a.iter).hex())


if __name__ == "__main__":
    main()
