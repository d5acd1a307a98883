#!/usr/bin/python3
"""Builds the hostile archives of the extraction tests (files_archive_test.cpp).

usage: files_hostile_archives.py OUT_DIR CANARY_DIR
"""
import io
import os
import sys
import tarfile
import zipfile

out, canary = sys.argv[1], sys.argv[2]


def tar(name, entries, mode="w"):
    with tarfile.open(os.path.join(out, name), mode) as t:
        for info, data in entries:
            if data is not None:
                info.size = len(data)
                t.addfile(info, io.BytesIO(data))
            else:
                t.addfile(info)


def file(name, data=b"pwned", mode=0o644):
    i = tarfile.TarInfo(name)
    i.mode = mode
    return i, data


def special(name, kind, **kw):
    i = tarfile.TarInfo(name)
    i.type = kind
    for k, v in kw.items():
        setattr(i, k, v)
    return i, None


with zipfile.ZipFile(os.path.join(out, "zipslip.zip"), "w") as z:
    z.writestr("ok.txt", "fine")
    z.writestr("../../evil.txt", "pwned")
with zipfile.ZipFile(os.path.join(out, "zipabs.zip"), "w") as z:
    z.writestr(canary + "/canary.txt", "pwned")

tar("dotdot.tar.gz", [file("a/ok.txt", b"fine"), file("a/../../evil.txt")], "w:gz")
tar("absolute.tar", [file(canary + "/canary.txt")])
# A symlink out, then a file through it (absolute and climbing variants).
tar("symlink_then_file.tar", [
    special("link", tarfile.SYMTYPE, linkname=canary),
    file("link/canary.txt"),
])
tar("symlink_climb.tar", [
    special("up", tarfile.SYMTYPE, linkname="../../../../../../../../.." + canary),
    file("up/canary.txt"),
])
# A symlink inside (kept), then a file through it (refused: never walked).
tar("symlink_inside_then_file.tar", [
    file("real/x.txt", b"x"),
    special("in", tarfile.SYMTYPE, linkname="real"),
    file("in/y.txt", b"y"),
])
tar("links_kept_and_dropped.tar", [
    file("d/target.txt", b"target"),
    special("d/good", tarfile.SYMTYPE, linkname="target.txt"),
    special("d/bad", tarfile.SYMTYPE, linkname="../../escape"),
    special("d/abs", tarfile.SYMTYPE, linkname="/etc/passwd"),
])
# Links whose text stays inside but which resolve out through another link
# (issue 14): "l1" leads back to the extraction's root, and "j" climbs from
# there, so extracted into /chain, "j" would be <homes>/bob. "k" is the same
# with the link-inside-link one level deeper; "ok" is a plain link inside.
tar("link_chain.tar", [
    special("d1/d2/l1", tarfile.SYMTYPE, linkname="../.."),
    special("j", tarfile.SYMTYPE, linkname="d1/d2/l1/../../bob"),
    special("d1/k", tarfile.SYMTYPE, linkname="d2/l1/../../../bob"),
    file("d1/d2/real.txt", b"real"),
    special("ok", tarfile.SYMTYPE, linkname="d1/d2/real.txt"),
])
tar("hardlink_out.tar", [special("h", tarfile.LNKTYPE, linkname=canary + "/canary.txt")])
tar("hardlink_climb.tar", [special("h", tarfile.LNKTYPE, linkname="../../canary.txt")])
tar("hardlink_inside.tar", [file("orig.txt", b"orig"),
                            special("copy.txt", tarfile.LNKTYPE, linkname="orig.txt")])
tar("setuid.tar", [file("suid.sh", b"#!/bin/sh\n", 0o6755), file("sticky", b"s", 0o1777)])
tar("devices.tar", [
    special("null", tarfile.CHRTYPE, devmajor=1, devminor=3),
    special("disk", tarfile.BLKTYPE, devmajor=8, devminor=0),
    special("pipe", tarfile.FIFOTYPE),
    file("regular.txt", b"regular"),
])
# A small zip -> 80 MB of zeros (the suite allows 50 MB, ratio 200).
with zipfile.ZipFile(os.path.join(out, "bomb.zip"), "w", zipfile.ZIP_DEFLATED) as z:
    with z.open("zeros.bin", "w", force_zip64=True) as f:
        chunk = b"\0" * (1 << 20)
        for _ in range(80):
            f.write(chunk)
# More entries than the suite allows (2000).
with tarfile.open(os.path.join(out, "many.tar.gz"), "w:gz") as t:
    for n in range(2500):
        i = tarfile.TarInfo("many/f%d" % n)
        t.addfile(i, io.BytesIO(b""))
with open(os.path.join(out, "garbage.zip"), "wb") as f:
    f.write(b"this is not an archive at all" * 10)
