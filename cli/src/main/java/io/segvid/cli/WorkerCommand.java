package io.segvid.cli;

import io.segvid.cluster.CameraHost;
import io.segvid.cluster.Worker;
import java.net.InetAddress;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code segvid worker}: joins the worker group and runs the jobs and cameras of the partitions Kafka assigns it. */
@Command(name = "worker", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Join a worker group on Kafka and run its jobs and cameras until SIGTERM (a job running then is handed back).")
public final class WorkerCommand implements Callable<Integer> {

  @Mixin
  KafkaOptions kafka;
  @Option(names = "--id", description = "This worker's name in job status (default: host name and process id).")
  String id;
  @Mixin
  RunOptions options;

  @Override
  public Integer call() throws Exception {
    String name = id != null ? id : InetAddress.getLocalHost().getHostName() + "-" + ProcessHandle.current().pid();
    var registry = io.segvid.pipeline.metrics.Metrics.create();
    try (var metricsServer = options.metricsServer(registry)) {
      Worker worker = new Worker(kafka.settings(), name, new PipelineJobRunner(options::resolve), registry);
      PipelineCameraRunner cameraPipelines = new PipelineCameraRunner(options::resolve, registry);
      CameraHost cameras = new CameraHost(kafka.settings(), name, cameraPipelines, registry);
      Thread camerasThread = new Thread(cameras::run, "segvid-cameras");
      camerasThread.start();
      CountDownLatch left = new CountDownLatch(1);
      Thread hook = new Thread(() -> {
        worker.stop();
        cameras.stop();
        try {
          left.await(30, TimeUnit.SECONDS);  // until the running job is handed back and the group left
        } catch (InterruptedException ignored) {
          // exiting anyway
        }
      }, "segvid-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      try {
        worker.run();
      } finally {
        cameras.stop();
        camerasThread.join(30_000);
        cameraPipelines.close();
        left.countDown();
      }
    }
    return 0;
  }
}
