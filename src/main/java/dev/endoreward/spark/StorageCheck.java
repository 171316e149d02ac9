package dev.endoreward.spark;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.AccessDeniedException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Reaches the stores of the input and the output folder from the driver before the job opens them, with
 * one retry at most and short timeouts, under one overall deadline. An unreachable endpoint or refused
 * credentials then fail within seconds with one "Cannot ..." line, rather than after the minutes of retries
 * that the store's own settings give the job, which keeps them. Local paths are not checked.
 */
final class StorageCheck {
  /** How long the checks of one job may take together. */
  static final Duration DEADLINE = Duration.ofSeconds(20);

  /** Settings of the check's own client: few retries, short timeouts (Hadoop IPC for HDFS, then S3A). */
  private static final List<String[]> QUICK_SETTINGS = List.of(
      new String[] {"ipc.client.connect.max.retries", "1"},
      new String[] {"ipc.client.connect.max.retries.on.timeouts", "1"},
      new String[] {"ipc.client.connect.timeout", "5000"});
  private static final List<String[]> QUICK_S3A_SETTINGS = List.of(
      new String[] {"attempts.maximum", "1"},
      new String[] {"retry.limit", "1"},
      new String[] {"retry.interval", "100ms"},
      new String[] {"retry.throttle.limit", "1"},
      new String[] {"connection.establish.timeout", "5s"},
      new String[] {"connection.timeout", "10s"},
      new String[] {"connection.request.timeout", "15s"});

  private StorageCheck() {}

  /**
   * Checks that the store of each path answers, and accepts the credentials.
   *
   * @throws IllegalArgumentException "Cannot reach &lt;path&gt;: ..." or "Cannot access &lt;path&gt;: ..."
   */
  static void reach(Configuration hadoop, List<String> paths) {
    reach(hadoop, paths, DEADLINE);
  }

  static void reach(Configuration hadoop, List<String> paths, Duration deadline) {
    long end = System.nanoTime() + deadline.toNanos();
    for (String path : paths) {
      Path probe = probePath(new Path(path));
      URI store = probe.toUri().getScheme() == null ? FileSystem.getDefaultUri(hadoop) : probe.toUri();
      if (!"file".equals(store.getScheme())) {
        Configuration quick = quickCopy(hadoop, store);
        reach(quick, path, probe, StorageEndpoint.of(quick, store), deadline, Math.max(0, end - System.nanoTime()));
      }
    }
  }

  private static void reach(Configuration quick, String path, Path probe, StorageEndpoint endpoint, Duration deadline,
      long nanosLeft) {
    ExecutorService thread = Executors.newSingleThreadExecutor(runnable -> {
      Thread daemon = new Thread(runnable, "endoreward-storage-check");
      daemon.setDaemon(true); // a store that never answers must not keep the JVM alive
      return daemon;
    });
    try {
      Future<?> answer = thread.submit(() -> {
        try (FileSystem fs = probe.getFileSystem(quick)) {
          fs.getFileStatus(probe);
        } catch (FileNotFoundException absent) {
          // It answered; whether the path must exist is for the input and output checks to say.
        }
        return null;
      });
      answer.get(nanosLeft, TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw new IllegalArgumentException("Cannot reach " + path + ": no answer from " + endpoint + " within "
          + deadline.toSeconds() + " s; check the endpoint and network", e);
    } catch (ExecutionException e) {
      throw refusal(path, endpoint, e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Cannot reach " + path + ": interrupted", e);
    } finally {
      thread.shutdownNow();
    }
  }

  private static IllegalArgumentException refusal(String path, StorageEndpoint endpoint, Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof AccessDeniedException) {
        return new IllegalArgumentException("Cannot access " + path + ": " + endpoint + " refused the credentials ("
            + reason(rootCause(cause)) + "); " + endpoint.credentialsAdvice(), failure);
      }
      String why = connectionProblem(cause);
      if (why != null) {
        return new IllegalArgumentException("Cannot reach " + path + ": " + why + " " + endpoint
            + "; check the endpoint and network", failure);
      }
    }
    return new IllegalArgumentException("Cannot reach " + path + " at " + endpoint + ": " + reason(rootCause(failure)),
        failure);
  }

  private static String connectionProblem(Throwable cause) {
    if (cause instanceof UnknownHostException) {
      return "unknown host in";
    }
    if (cause instanceof ConnectException || cause instanceof NoRouteToHostException) {
      return "connection refused by";
    }
    if (cause instanceof SocketTimeoutException) {
      return "no answer from";
    }
    return null;
  }

  private static Throwable rootCause(Throwable thrown) {
    Throwable root = thrown;
    while (root.getCause() != null && root.getCause() != root && root.getCause().getMessage() != null) {
      root = root.getCause();
    }
    return root;
  }

  /** The first line of the message: stores' messages can run on. */
  private static String reason(Throwable cause) {
    String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    return message.lines().filter(line -> !line.isBlank()).findFirst().orElse(message).strip();
  }

  /** The path without its glob part: checking a folder is one cheap request, listing a glob is not. */
  private static Path probePath(Path path) {
    Path probe = path;
    while (probe.getParent() != null && hasGlob(probe.toUri().getPath())) {
      probe = probe.getParent();
    }
    return probe;
  }

  private static boolean hasGlob(String path) {
    return path.chars().anyMatch(c -> c == '*' || c == '?' || c == '[' || c == '{');
  }

  /**
   * A copy of the configuration whose client of {@code scheme} is a new instance, with few retries and short
   * timeouts; per-bucket S3A settings, which S3A applies over the general ones, get the same values.
   */
  private static Configuration quickCopy(Configuration hadoop, URI store) {
    String scheme = store.getScheme();
    Configuration quick = new Configuration(hadoop);
    quick.setBoolean("fs." + scheme + ".impl.disable.cache", true);
    for (String[] setting : QUICK_SETTINGS) {
      quick.set(setting[0], setting[1]);
    }
    if ("s3a".equals(scheme)) {
      String bucket = store.getHost();
      for (String[] setting : QUICK_S3A_SETTINGS) {
        quick.set("fs.s3a." + setting[0], setting[1]);
        if (bucket != null) {
          quick.set("fs.s3a.bucket." + bucket + "." + setting[0], setting[1]);
        }
      }
    }
    return quick;
  }
}
