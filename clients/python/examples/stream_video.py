#!/usr/bin/env python3
"""Streams a video file (or a camera index) to a fer server, frame by frame, with OpenCV.

    pip install './clients/python[video]'
    python examples/stream_video.py [--raw] [--every N] [--latest] VIDEO

Frames go as JPEG by default (small on the wire); --raw sends them as raw BGR24 pixels
(no encoding cost on the client). --latest asks the server to drop stale frames when it falls
behind (live sources); dropped frames are reported.
"""

import argparse
import os
import sys

from fer_client import DEFAULT_TARGET, FerClient, fer_pb2, frame_error, request


def frames(path, every, raw, quality):
    import cv2  # opencv-python-headless

    cap = cv2.VideoCapture(int(path) if path.isdigit() else path)
    if not cap.isOpened():
        raise SystemExit(f"cannot open {path}")
    index = 0
    try:
        while True:
            ok, bgr = cap.read()
            if not ok:
                return
            if index % every == 0:
                if raw:
                    yield request(bgr, frame_id=index)  # numpy HxWx3 uint8 -> RawImage BGR24
                else:
                    ok, jpeg = cv2.imencode(".jpg", bgr, [cv2.IMWRITE_JPEG_QUALITY, quality])
                    if ok:
                        yield request(jpeg.tobytes(), frame_id=index)
            index += 1
    finally:
        cap.release()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("video", help="a video file, or a camera index such as 0")
    ap.add_argument("--target", default=os.environ.get("FER_TARGET", DEFAULT_TARGET))
    ap.add_argument("--raw", action="store_true", help="send raw BGR24 frames instead of JPEG")
    ap.add_argument("--quality", type=int, default=90, help="JPEG quality")
    ap.add_argument("--every", type=int, default=1, help="send every Nth frame")
    ap.add_argument("--in-flight", type=int, default=4)
    ap.add_argument("--latest", action="store_true", help="LATEST drop policy (for live sources)")
    args = ap.parse_args()

    policy = fer_pb2.LATEST if args.latest else fer_pb2.BLOCK
    with FerClient(args.target) as fer:
        for resp in fer.stream(frames(args.video, args.every, args.raw, args.quality),
                               max_in_flight=args.in_flight, drop_policy=policy):
            if resp.dropped_frame_ids:
                print(f"dropped frames {list(resp.dropped_frame_ids)}")
            if frame_error(resp):
                print(f"frame {resp.frame_id}\terror\t{resp.error.message}")
                continue
            labels = ", ".join(f"{f.label} {f.confidence:.2f}" for f in resp.faces) or "no face"
            print(f"frame {resp.frame_id}\t{labels}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
