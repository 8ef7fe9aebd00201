"""Video animatics: the script's timed beats as scenes, a voice-over, H.264 + AAC in an MP4.

Frames are stills (one per beat plus the end card), so ffmpeg's concat demuxer holds each for its beat's
length and x264 encodes the repeats almost for free. ffmpeg comes from the ``imageio-ffmpeg`` wheel
(a static build inside a PyPI package), or from PATH.

Hook variants (one script body, several openings: what a hook test is) share their body: it is encoded
once per generator and joined, stream-copied, behind each opening encoded on its own. A 15 s variant then
costs its 3 s opening instead of 360 frames (measured 0.8 s against 3.0 s at 1080x1920 on a loaded
2-core machine). The join is exact because both parts come from the same encoder settings and the body
starts on a whole frame.
"""

from __future__ import annotations

import asyncio
import dataclasses
import re
import shutil
import tempfile
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from adloom.errors import GeneratorTimeout, GeneratorUnavailable, RenderError, UnsupportedRequest
from adloom.render.base import AssetKind, Generator, RenderRequest, RenderResult, finding
from adloom.render.scenes import beat_scene, end_card, save
from adloom.render.static import findings_of
from adloom.render.tts import voice_track
from adloom.types import Beat, content_hash, sha256_file

FFMPEG_HINT = 'pip install imageio-ffmpeg (it ships an ffmpeg binary), or put ffmpeg on PATH'


def find_ffmpeg(override: str | None = None) -> str:
    """Path of an ffmpeg executable, or GeneratorUnavailable saying how to get one."""
    if override:
        if Path(override).is_file() or shutil.which(override):
            return override
        raise GeneratorUnavailable(f"ffmpeg not found at '{override}'; {FFMPEG_HINT}")
    try:
        import imageio_ffmpeg
        return str(imageio_ffmpeg.get_ffmpeg_exe())
    except (ImportError, RuntimeError):
        exe = shutil.which("ffmpeg")
        if exe:
            return exe
    raise GeneratorUnavailable(f"no ffmpeg available to encode video; {FFMPEG_HINT}")


async def run_ffmpeg(exe: str, args: list[str], timeout: float) -> str:
    """Run ffmpeg; its stderr on success, RenderError subclasses on failure."""
    try:
        proc = await asyncio.create_subprocess_exec(
            exe, "-hide_banner", "-nostdin", *args,
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)
    except OSError as exc:
        raise GeneratorUnavailable(f"could not start ffmpeg '{exe}': {exc}; {FFMPEG_HINT}") from exc
    try:
        _, err = await asyncio.wait_for(proc.communicate(), timeout)
    except TimeoutError as exc:
        proc.kill()
        await proc.wait()
        raise GeneratorTimeout(f"ffmpeg took longer than {timeout:g} s") from exc
    except asyncio.CancelledError:     # the run was interrupted: no encoder left writing behind it
        if proc.returncode is None:
            proc.kill()
        raise
    text = err.decode(errors="replace")
    if proc.returncode != 0:
        tail = " | ".join(text.strip().splitlines()[-3:])
        raise RenderError(f"ffmpeg failed (exit {proc.returncode}): {tail}")
    return text


@dataclass(frozen=True)
class MediaInfo:
    duration: float
    video_codec: str | None
    audio_codec: str | None
    width: int | None
    height: int | None
    fps: float | None


def parse_probe(stderr: str) -> MediaInfo:
    """Read ``ffmpeg -i file`` output (there is no ffprobe in imageio-ffmpeg)."""
    dur = re.search(r"Duration: (\d+):(\d+):(\d+(?:\.\d+)?)", stderr)
    duration = int(dur[1]) * 3600 + int(dur[2]) * 60 + float(dur[3]) if dur else 0.0
    video = re.search(r"Stream #.*?Video: (\w+).*?, (\d{2,5})x(\d{2,5})", stderr)
    fps = re.search(r"Stream #.*?Video: .*?, ([\d.]+) fps", stderr)
    audio = re.search(r"Stream #.*?Audio: (\w+)", stderr)
    return MediaInfo(duration, video[1] if video else None, audio[1] if audio else None,
                     int(video[2]) if video else None, int(video[3]) if video else None,
                     float(fps[1]) if fps else None)


async def probe(path: Path, exe: str | None = None, timeout: float = 30.0) -> MediaInfo:
    exe = exe or find_ffmpeg()
    proc = await asyncio.create_subprocess_exec(exe, "-hide_banner", "-i", str(path),
                                                stdout=asyncio.subprocess.DEVNULL,
                                                stderr=asyncio.subprocess.PIPE)
    _, err = await asyncio.wait_for(proc.communicate(), timeout)
    return parse_probe(err.decode(errors="replace"))


def _concat_list(scenes: list[tuple[Path, float]]) -> str:
    lines = ["ffconcat version 1.0"]
    for path, seconds in scenes:
        lines += [f"file '{path.name}'", f"duration {seconds:.3f}"]
    lines.append(f"file '{scenes[-1][0].name}'")     # the demuxer needs the last file twice
    return "\n".join(lines) + "\n"


def _timed_beats(beats: list[Beat], duration: float) -> list[Beat]:
    """Beats with a positive length inside the script, in time order."""
    return sorted((b for b in beats if b.end > b.start and b.start < duration), key=lambda b: b.start)


@dataclass(frozen=True)
class _Body:
    """The encoded scenes after the opening, shared by every opening of the same script."""

    path: Path
    boxes: dict[str, Any]
    findings: list[Any]


def _opening_end(beats: list[Beat], duration: float, fps: int) -> float | None:
    """Where the hook beat ends, on a whole frame; None when the script has no separate opening."""
    if len(beats) < 2 or beats[0].kind != "hook":
        return None
    end = round(min(beats[0].end, duration) * fps) / fps
    return end if 0 < end < duration else None


class AnimaticGenerator(Generator):
    """MP4 (H.264 + AAC) whose scenes follow the script's beats; the last beat is the logo end card."""

    id: ClassVar[str] = "animatic"
    kinds: ClassVar[tuple[AssetKind, ...]] = ("video",)
    aspect_ratios: ClassVar[tuple[str, ...] | None] = ("9:16", "1:1", "4:5", "16:9")
    max_duration: ClassVar[float | None] = 60.0
    draws_text = True

    def __init__(self, fps: int = 24, voice: bool = True, ffmpeg: str | None = None, timeout: float = 120.0,
                 preset: str = "superfast") -> None:
        self.fps = fps
        self.voice = voice
        self.ffmpeg = ffmpeg
        self.timeout = timeout
        self.preset = preset
        self._bodies: dict[str, asyncio.Task[_Body]] = {}
        self._body_dir: Path | None = None

    def _x264(self, fps: int) -> list[str]:
        return ["-vf", f"format=yuv420p,fps={fps}", "-c:v", "libx264", "-preset", self.preset,
                "-tune", "stillimage", "-crf", "23",
                # held stills: skip the motion search and look-ahead that moving footage needs
                "-x264-params", "bframes=0:ref=1:scenecut=0:rc-lookahead=0:me=dia:subme=0"]

    def _scenes(self, request: RenderRequest, beats: list[Beat], duration: float, folder: Path,
                first: int = 0, until: int | None = None, cursor: float = 0.0,
                ) -> tuple[list[tuple[Path, float]], dict[str, Any], list[Any]]:
        """Stills for ``beats[first:until]`` (drawn with their place in the whole script), each held from
        ``cursor`` (the end of the one before) to its own end."""
        scenes: list[tuple[Path, float]] = []
        boxes: dict[str, Any] = {}
        findings = []
        for i, beat in enumerate(beats):
            if i < first or (until is not None and i >= until):
                continue
            last = i == len(beats) - 1
            ctx = end_card(request, beat.on_screen_text) if last else beat_scene(request, beat, i, duration)
            end = duration if last else min(beat.end, duration)
            path = folder / f"scene{i:02d}.png"
            save(ctx.img, str(path))
            scenes.append((path, end - cursor))
            cursor = end
            prefix = "end_card" if last else f"beat{i}"
            boxes.update({f"{prefix}.{k}": v for k, v in ctx.boxes.items()})
            findings += findings_of(ctx) if i in (0, len(beats) - 1) else []
        return scenes, boxes, findings

    def _shared_body(self, request: RenderRequest, beats: list[Beat], duration: float, opening: float,
                     exe: str, fps: int) -> asyncio.Task[_Body]:
        """The body after ``opening``, encoded once for every request that draws it the same way."""
        key = content_hash({
            "placement": dataclasses.asdict(request.placement), "kit": request.brand_kit.model_dump(mode="json"),
            "brand": request.brand_name, "assets": str(request.asset_dir), "options": repr(request.options),
            "background": str(request.background_path),
            # the end card's words: its caption, else the headline, and the CTA (the hook's headline is not there)
            "end_card": [request.text.cta, "" if beats[-1].on_screen_text else request.text.headline],
            "beats": [b.model_dump(mode="json") for b in beats[1:]], "duration": duration, "opening": opening,
            "fps": fps, "preset": self.preset, "exe": exe}, length=32)
        if key not in self._bodies:
            self._bodies[key] = asyncio.ensure_future(self._encode_body(key, request, beats, duration, opening,
                                                                        exe, fps))
        return self._bodies[key]

    async def _encode_body(self, key: str, request: RenderRequest, beats: list[Beat], duration: float,
                           opening: float, exe: str, fps: int) -> _Body:
        if self._body_dir is None:     # removed with the generator (a run's render stage)
            self._body_dir = Path(tempfile.mkdtemp(prefix="adloom-bodies-"))
            weakref.finalize(self, shutil.rmtree, self._body_dir, True)
        folder = self._body_dir / key
        folder.mkdir(exist_ok=True)
        scenes, boxes, findings = await asyncio.to_thread(self._scenes, request, beats, duration, folder, 1, None,
                                                          opening)
        (folder / "scenes.txt").write_text(_concat_list(scenes))
        await run_ffmpeg(exe, ["-y", "-f", "concat", "-safe", "0", "-i", str(folder / "scenes.txt"),
                               *self._x264(fps), "-t", f"{duration - opening:.6f}", "-an",
                               str(folder / "body.mp4")], self.timeout)
        return _Body(folder / "body.mp4", boxes, findings)

    async def generate(self, request: RenderRequest) -> RenderResult:
        reason = self.supports(request)
        if reason:
            raise UnsupportedRequest(reason)
        script = request.script
        if script is None or not script.beats:
            raise UnsupportedRequest("an animatic needs a script with timed beats", field="script")
        exe = find_ffmpeg(request.options.get("ffmpeg", self.ffmpeg))
        fps = int(request.options.get("fps", self.fps))
        duration = float(script.duration)
        beats = _timed_beats(script.beats, duration)
        if not beats:
            raise UnsupportedRequest("the script has no beat inside its duration", field="script.beats")
        path = request.out_stem.with_suffix(".mp4")
        path.parent.mkdir(parents=True, exist_ok=True)
        opening = _opening_end(beats, duration, fps)
        with tempfile.TemporaryDirectory(prefix="adloom-animatic-") as tmp:
            folder = Path(tmp)
            voice = voice_track(beats, duration, folder / "voice.wav",
                                voice=bool(request.options.get("voice", self.voice)))
            if opening is None:
                (scenes, boxes, findings), track = await asyncio.gather(
                    asyncio.to_thread(self._scenes, request, beats, duration, folder), voice)
                (folder / "scenes.txt").write_text(_concat_list(scenes))
                video, encode = folder / "scenes.txt", self._x264(fps)
            else:
                (scenes, boxes, findings), track, body = await asyncio.gather(
                    asyncio.to_thread(self._scenes, request, beats, duration, folder, 0, 1), voice,
                    # shielded: one variant timing out must not cancel the body the others wait for
                    asyncio.shield(self._shared_body(request, beats, duration, opening, exe, fps)))
                (folder / "opening.txt").write_text(_concat_list([(scenes[0][0], opening)]))
                await run_ffmpeg(exe, ["-y", "-f", "concat", "-safe", "0", "-i", str(folder / "opening.txt"),
                                       *self._x264(fps), "-t", f"{opening:.6f}", "-an",
                                       str(folder / "opening.mp4")], self.timeout)
                (folder / "joined.txt").write_text(f"ffconcat version 1.0\nfile '{folder / 'opening.mp4'}'\n"
                                                   f"file '{body.path}'\n")
                video, encode = folder / "joined.txt", ["-c:v", "copy"]
                boxes.update(body.boxes)
                findings += body.findings
            await run_ffmpeg(exe, [
                "-y", "-f", "concat", "-safe", "0", "-i", str(video), "-i", str(track.path),
                "-map", "0:v", "-map", "1:a", *encode, "-c:a", "aac", "-b:a", "96k",
                "-t", f"{duration:.3f}", "-movflags", "+faststart", str(path)], self.timeout)
        if track.note:
            findings.append(finding("voice_over_missing", track.note, field="script",
                                    fix_hint="apt-get install espeak-ng"))
        w, h = request.placement.width, request.placement.height
        return RenderResult(
            path=path, media_type="video/mp4", kind="video", width=w, height=h, duration=duration,
            sha256=sha256_file(path), generator=self.id,
            parameters={"fps": fps, "voice": track.engine, "codec": "h264+aac", "preset": self.preset,
                        "scenes": [{"kind": b.kind, "start": b.start, "end": b.end} for b in beats]},
            boxes=boxes, findings=findings)
