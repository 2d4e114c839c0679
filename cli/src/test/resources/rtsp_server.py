#!/usr/bin/python3
"""A real RTSP server for segvid's tests (GStreamer gst-rtsp-server).

Mounts:
  /test      PLAY   a live test pattern (H.264), 640x360 at 25 fps; a pipeline per client, because
             two clients preparing one shared media at once abort the server
             (rtsp-media.c gst_rtsp_media_get_rates: assertion failed)
  /in        RECORD accepts an H.264 publisher; re-served at /out (PLAY)
  /seg       RECORD accepts a second H.264 publisher; re-served at /segout (PLAY)

Usage: rtsp_server.py PORT  (prints "ready" when listening)
"""
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402

H264_CAPS = "application/x-rtp,media=video,clock-rate=90000,encoding-name=H264,payload=96"


def factory(launch, record=False, shared=True):
    f = GstRtspServer.RTSPMediaFactory()
    f.set_launch(launch)
    f.set_shared(shared)
    if record:
        f.set_transport_mode(GstRtspServer.RTSPTransportMode.RECORD)
    return f


def main():
    port = int(sys.argv[1])
    udp_base = 20000 + (port % 1000) * 10
    Gst.init(None)
    server = GstRtspServer.RTSPServer()
    server.set_service(str(port))
    # A publisher in DESCRIBE can stall a TCP publisher unless the server has threads to spare.
    pool = GstRtspServer.RTSPThreadPool()
    pool.set_max_threads(16)
    server.set_thread_pool(pool)
    mounts = server.get_mount_points()
    mounts.add_factory("/test", factory(
        "( videotestsrc is-live=true pattern=ball ! video/x-raw,width=640,height=360,framerate=25/1 "
        "! x264enc tune=zerolatency speed-preset=ultrafast key-int-max=25 "
        "! rtph264pay name=pay0 pt=96 config-interval=-1 )", shared=False))
    for rec, play, udp in (("/in", "/out", udp_base), ("/seg", "/segout", udp_base + 2)):
        mounts.add_factory(rec, factory(
            "( rtph264depay name=depay0 ! h264parse config-interval=-1 ! rtph264pay pt=96 config-interval=-1 "
            f"! udpsink host=127.0.0.1 port={udp} sync=false async=false )", record=True, shared=False))
        mounts.add_factory(play, factory(
            f"( udpsrc port={udp} caps=\"{H264_CAPS}\" ! rtph264depay ! h264parse config-interval=-1 "
            "! rtph264pay name=pay0 pt=96 config-interval=-1 )"))
    if server.attach(None) == 0:
        # The port was taken between the test choosing it and this bind: say so instead of "ready".
        print("cannot listen on port %d" % port, flush=True)
        sys.exit(1)
    print("ready", flush=True)
    GLib.MainLoop().run()


if __name__ == "__main__":
    main()
