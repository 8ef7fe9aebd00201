"""Poster frames for the report's videos: one PNG beside each animatic, taken from the video itself.

A ``<video>`` with ``preload="metadata"`` shows a blank box until played; a poster lets the contact sheet
show what the video looks like. The frame is taken a moment in (the hook card is on screen by then),
scaled down, and written beside the video as ``NAME.poster.png``. A poster newer than its video is
reused, so a rerun of the export pays nothing.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

POSTER_SUFFIX = ".poster.png"
POSTER_AT = 1.0          # seconds into the video; clamped for shorter clips
POSTER_WIDTH = 480       # px; the contact sheet shows tiles about 240 px wide on a 2x screen
TIMEOUT = 30.0


@dataclass
class Posters:
    by_video: dict[Path, Path] = field(default_factory=dict)   # video file -> its poster file
    errors: list[str] = field(default_factory=list)            # one line per video that has none


def poster_path(video: Path) -> Path:
    return video.with_name(video.stem + POSTER_SUFFIX)


def _ffmpeg() -> str:
    # the ffmpeg the render stage uses, shipped inside the imageio-ffmpeg wheel (no system package)
    import imageio_ffmpeg

    return str(imageio_ffmpeg.get_ffmpeg_exe())


def _extract(exe: str, video: Path, at: float) -> Path:
    target = poster_path(video)
    if target.exists() and target.stat().st_mtime >= video.stat().st_mtime:
        return target
    partial = target.with_name(f".{target.name}.{os.getpid()}.part.png")
    cmd = [exe, "-v", "error", "-nostdin", "-y", "-ss", f"{at:.2f}", "-i", str(video), "-frames:v", "1",
           "-vf", f"scale='min({POSTER_WIDTH},iw)':-2", str(partial)]
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT, check=False)
        if done.returncode != 0 or not partial.exists() or partial.stat().st_size == 0:
            detail = (done.stderr.strip().splitlines() or ["no frame written"])[-1]
            raise RuntimeError(detail)
        os.replace(partial, target)     # never a half-written poster under the real name
    finally:
        partial.unlink(missing_ok=True)
    return target


def make_posters(videos: Iterable[Path], durations: Mapping[Path, float | None] | None = None,
                 workers: int = 2) -> Posters:
    """A poster for every video file that exists; a failure costs that video its poster, not the report."""
    found = [v for v in dict.fromkeys(videos) if v.is_file()]
    result = Posters()
    if not found:
        return result
    exe = _ffmpeg()
    seconds = durations or {}

    def one(video: Path) -> tuple[Path, Path | None, str]:
        length = seconds.get(video)
        at = min(POSTER_AT, length / 3) if length else POSTER_AT
        try:
            return video, _extract(exe, video, at), ""
        except (OSError, RuntimeError, subprocess.TimeoutExpired) as exc:
            return video, None, f"{video.name}: no poster frame ({exc})"

    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        for video, poster, error in pool.map(one, found):
            if poster is not None:
                result.by_video[video] = poster
            else:
                result.errors.append(error)
    return result
