package dev.endoreward.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Debian's headless {@code chromium}, driven through the DevTools protocol over its WebSocket: it opens a
 * page, records every console error, uncaught exception, error log entry and network request the page makes,
 * evaluates script in it and takes screenshots. Chromium listens on 127.0.0.1 only, with a proxy that
 * refuses everything, so a page that tries to reach the network fails to, and the request is recorded.
 */
public final class HeadlessChromium implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private final Process process;
  private final Path profile;
  private final WebSocket socket;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
  private final List<String> errors = Collections.synchronizedList(new ArrayList<>());
  private final List<String> requests = Collections.synchronizedList(new ArrayList<>());
  private volatile CompletableFuture<Void> loaded = new CompletableFuture<>();

  private HeadlessChromium(Process process, Path profile, WebSocket socket) {
    this.process = process;
    this.profile = profile;
    this.socket = socket;
  }

  /** Starts Chromium with a fresh profile and a {@code width} × {@code height} window. */
  public static HeadlessChromium start(int width, int height) throws IOException, InterruptedException,
      java.util.concurrent.ExecutionException, java.util.concurrent.TimeoutException {
    Path profile = Files.createTempDirectory("chromium-profile-");
    Process process = new ProcessBuilder("chromium", "--headless", "--no-sandbox", "--disable-gpu",
        "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0", "--user-data-dir=" + profile,
        "--proxy-server=127.0.0.1:9", "--no-first-run", "--no-default-browser-check", "--disable-extensions",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--window-size=" + width + "," + height, "about:blank")
        .redirectErrorStream(true).redirectOutput(profile.resolve("chromium.log").toFile()).start();
    Path portFile = profile.resolve("DevToolsActivePort");
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (!Files.exists(portFile) || Files.readAllLines(portFile).size() < 2) {
      if (!process.isAlive() || System.nanoTime() > deadline) {
        process.destroyForcibly();
        throw new IllegalStateException("Chromium did not start: " + Files.readString(profile.resolve("chromium.log")));
      }
      Thread.sleep(100);
    }
    int port = Integer.parseInt(Files.readAllLines(portFile).get(0).trim());
    HttpClient http = HttpClient.newHttpClient();
    JsonNode targets = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
        + "/json/list")).build(), HttpResponse.BodyHandlers.ofString()).body());
    String page = null;
    for (JsonNode target : targets) {
      if ("page".equals(target.path("type").asText())) {
        page = target.path("webSocketDebuggerUrl").asText();
      }
    }
    if (page == null) {
      process.destroyForcibly();
      throw new IllegalStateException("Chromium has no page target: " + targets);
    }
    HeadlessChromium[] self = new HeadlessChromium[1];
    WebSocket socket = http.newWebSocketBuilder().buildAsync(URI.create(page), new WebSocket.Listener() {
      private final StringBuilder message = new StringBuilder();

      @Override
      public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        message.append(data);
        if (last) {
          String text = message.toString();
          message.setLength(0);
          self[0].receive(text);
        }
        webSocket.request(1);
        return null;
      }
    }).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    self[0] = new HeadlessChromium(process, profile, socket);
    for (String domain : List.of("Runtime", "Log", "Network", "Page")) {
      self[0].call(domain + ".enable", JSON.createObjectNode());
    }
    return self[0];
  }

  private void receive(String text) {
    JsonNode message;
    try {
      message = JSON.readTree(text);
    } catch (IOException e) {
      errors.add("unreadable DevTools message: " + text);
      return;
    }
    if (message.has("id")) {
      CompletableFuture<JsonNode> call = pending.remove(message.get("id").asInt());
      if (call != null) {
        call.complete(message);
      }
      return;
    }
    JsonNode params = message.path("params");
    switch (message.path("method").asText()) {
      case "Runtime.consoleAPICalled" -> {
        String type = params.path("type").asText();
        if (type.equals("error") || type.equals("assert") || type.equals("warning")) {
          errors.add("console." + type + ": " + params.path("args"));
        }
      }
      case "Runtime.exceptionThrown" -> errors.add("exception: " + params.path("exceptionDetails"));
      case "Log.entryAdded" -> {
        if (params.path("entry").path("level").asText().equals("error")) {
          errors.add("log: " + params.path("entry"));
        }
      }
      case "Network.requestWillBeSent" -> requests.add(params.path("request").path("url").asText());
      case "Page.loadEventFired" -> loaded.complete(null);
      default -> { }
    }
  }

  /** Sends one DevTools command and waits for its result; fails on a protocol error. */
  public JsonNode call(String method, ObjectNode params) {
    int id = ids.incrementAndGet();
    CompletableFuture<JsonNode> reply = new CompletableFuture<>();
    pending.put(id, reply);
    ObjectNode message = JSON.createObjectNode().put("id", id).put("method", method);
    message.set("params", params);
    try {
      socket.sendText(JSON.writeValueAsString(message), true).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      JsonNode result = reply.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      if (result.has("error")) {
        throw new IllegalStateException(method + " failed: " + result.get("error"));
      }
      return result.path("result");
    } catch (Exception e) {
      throw new IllegalStateException(method + " failed: " + e, e);
    }
  }

  /** Opens {@code file} and waits for its load event. */
  public void open(Path file) {
    loaded = new CompletableFuture<>();
    call("Page.navigate", JSON.createObjectNode().put("url", file.toUri().toString()));
    try {
      loaded.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("The page did not load: " + file, e);
    }
  }

  /** The value of a script expression, which must evaluate to JSON-serialisable data; fails if it throws. */
  public JsonNode evaluate(String expression) {
    JsonNode result = call("Runtime.evaluate", JSON.createObjectNode().put("expression", expression)
        .put("returnByValue", true));
    if (result.has("exceptionDetails")) {
      throw new IllegalStateException("The script threw: " + result.get("exceptionDetails"));
    }
    return result.path("result").path("value");
  }

  /** A PNG of the window as it shows now. */
  public void screenshot(Path png) throws IOException {
    String data = call("Page.captureScreenshot", JSON.createObjectNode().put("format", "png")).path("data").asText();
    Files.write(png, Base64.getDecoder().decode(data));
  }

  /** Console errors and warnings, uncaught exceptions and error log entries so far. */
  public List<String> errors() {
    return List.copyOf(errors);
  }

  /** The URLs of every request the pages made so far, their own documents included. */
  public List<String> requests() {
    return List.copyOf(requests);
  }

  @Override
  public void close() throws IOException {
    socket.abort();
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    try (var files = Files.walk(profile)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (UncheckedIOException e) {
      // Chromium's children may still write into the profile as it goes; the temp folder is left for the OS.
    }
  }
}
