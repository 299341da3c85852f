package health.commonground.loadtest;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A minimal HTTP/1.1 client over one keep-alive connection per thread: just what the driver sends
 * (GET and POST with a body) and what the server answers (Content-Length or chunked bodies).
 *
 * <p>Why not {@code java.net.http.HttpClient}: it used 1.7–3.6 ms of the driver's CPU per request
 * here, as much as a request costs the server, so the driver, not the server, set the pace of a
 * single client. This one costs a small fraction of that.
 */
final class PlainHttp {

  /** One answer: status, headers (names in lower case) and body. */
  record Reply(int statusCode, Map<String, String> headers, String body) {
    String header(String name) {
      return headers.getOrDefault(name.toLowerCase(Locale.ROOT), "");
    }
  }

  private final String host;
  private final int port;
  private final String basePath;
  private final int timeoutMillis;
  private final ThreadLocal<Connection> connections = new ThreadLocal<>();

  PlainHttp(String base, int timeoutMillis) {
    URI uri = URI.create(base);
    if (!"http".equals(uri.getScheme())) {
      throw new IllegalArgumentException("Only plain http on loopback is supported: " + base);
    }
    this.host = uri.getHost();
    this.port = uri.getPort() == -1 ? 80 : uri.getPort();
    this.basePath = uri.getRawPath().replaceAll("/+$", "");
    this.timeoutMillis = timeoutMillis;
  }

  /** Sends a request to {@code base/path}; retries once on a connection the server had closed. */
  Reply send(String method, String path, Map<String, String> headers, String body)
      throws IOException {
    byte[] request = request(method, path, headers, body);
    Connection connection = connections.get();
    if (connection != null) {
      try {
        return exchange(connection, request);
      } catch (IOException stale) {
        connection.close();
      }
    }
    connection = new Connection(host, port, timeoutMillis);
    connections.set(connection);
    return exchange(connection, request);
  }

  private Reply exchange(Connection connection, byte[] request) throws IOException {
    connection.out.write(request);
    connection.out.flush();
    Reply reply = connection.read();
    if ("close".equalsIgnoreCase(reply.header("connection"))) {
      connection.close();
      connections.remove();
    }
    return reply;
  }

  private byte[] request(String method, String path, Map<String, String> headers, String body) {
    byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
    StringBuilder head = new StringBuilder(256);
    head.append(method)
        .append(' ')
        .append(basePath)
        .append('/')
        .append(path)
        .append(" HTTP/1.1\r\n");
    head.append("Host: ").append(host).append(':').append(port).append("\r\n");
    headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
    if (body != null) {
      head.append("Content-Length: ").append(content.length).append("\r\n");
    }
    head.append("\r\n");
    byte[] start = head.toString().getBytes(StandardCharsets.ISO_8859_1);
    byte[] all = new byte[start.length + content.length];
    System.arraycopy(start, 0, all, 0, start.length);
    System.arraycopy(content, 0, all, start.length, content.length);
    return all;
  }

  private static final class Connection {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    Connection(String host, int port, int timeoutMillis) throws IOException {
      socket = new Socket();
      socket.setTcpNoDelay(true);
      socket.setSoTimeout(timeoutMillis);
      socket.connect(new InetSocketAddress(host, port), 5000);
      in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
      out = socket.getOutputStream();
    }

    Reply read() throws IOException {
      String status = line();
      if (status.isEmpty()) {
        throw new IOException("Connection closed by the server");
      }
      int code = Integer.parseInt(status.split(" ", 3)[1]);
      Map<String, String> headers = new TreeMap<>();
      for (String line = line(); !line.isEmpty(); line = line()) {
        int colon = line.indexOf(':');
        headers.put(
            line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
            line.substring(colon + 1).trim());
      }
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
        for (int size = chunkSize(); size > 0; size = chunkSize()) {
          body.write(in.readNBytes(size));
          line();
        }
        while (!line().isEmpty()) {
          // trailers
        }
      } else if (headers.containsKey("content-length")) {
        body.write(in.readNBytes(Integer.parseInt(headers.get("content-length"))));
      }
      return new Reply(code, headers, body.toString(StandardCharsets.UTF_8));
    }

    private int chunkSize() throws IOException {
      String line = line();
      int semicolon = line.indexOf(';');
      return Integer.parseInt(semicolon < 0 ? line : line.substring(0, semicolon), 16);
    }

    /** A header line without its CRLF; empty at a blank line or the end of the stream. */
    private String line() throws IOException {
      StringBuilder line = new StringBuilder(64);
      for (int c = in.read(); c != -1; c = in.read()) {
        if (c == '\n') {
          int end = line.length();
          return end > 0 && line.charAt(end - 1) == '\r'
              ? line.substring(0, end - 1)
              : line.toString();
        }
        line.append((char) c);
      }
      return line.toString();
    }

    void close() {
      try {
        socket.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
  }
}
