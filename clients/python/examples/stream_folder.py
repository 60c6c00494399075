#!/usr/bin/env python3
"""Streams a folder of images to a fer server and prints one line per frame.

    python examples/stream_folder.py [--target HOST:PORT] [--face-crop] FOLDER
"""

import argparse
import os
import pathlib
import sys

from fer_client import DEFAULT_TARGET, FerClient, frame_error

EXTENSIONS = {".jpg", ".jpeg", ".png", ".bmp", ".gif"}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder", type=pathlib.Path)
    ap.add_argument("--target", default=os.environ.get("FER_TARGET", DEFAULT_TARGET))
    ap.add_argument("--face-crop", action="store_true", help="the images are face crops (skip detection)")
    ap.add_argument("--in-flight", type=int, default=8, help="frames in flight at most")
    ap.add_argument("--pipeline", default="")
    args = ap.parse_args()

    files = sorted(p for p in args.folder.iterdir() if p.suffix.lower() in EXTENSIONS)
    failed = 0
    with FerClient(args.target) as fer:
        # A generator: each file is read only when a slot among the frames in flight frees up.
        frames = (p.read_bytes() for p in files)
        for resp in fer.stream(frames, max_in_flight=args.in_flight, face_crop=args.face_crop,
                               pipeline=args.pipeline):
            name = files[resp.frame_id]
            if frame_error(resp):
                failed += 1
                print(f"{name}\terror\t{resp.error.message}")
            elif not resp.faces:
                print(f"{name}\tno face")
            for face in resp.faces:
                b = face.box
                print(f"{name}\t{face.label}\t{face.confidence:.3f}\tbox={b.x:.0f},{b.y:.0f},{b.width:.0f}x{b.height:.0f}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
