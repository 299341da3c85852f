package health.commonground.fhir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Requests written byte for byte on a socket, for what an HTTP client library refuses to send:
 * malformed percent-encoding, control characters, request lines and headers of any size. The
 * connection is closed after one answer.
 */
final class RawHttp {

  private RawHttp() {}

  /**
   * Sends {@code method target HTTP/1.1} with the headers and body given, to the server of {@code
   * base}; {@code target} is sent exactly as given.
   */
  static FhirApiSupport.Response send(
      String base, String method, String target, String body, String... headers) {
    URI uri = URI.create(base);
    byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
    StringBuilder head = new StringBuilder();
    head.append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
    head.append("Host: ").append(uri.getHost()).append(':').append(uri.getPort()).append("\r\n");
    head.append("Connection: close\r\n");
    for (int i = 0; i < headers.length; i += 2) {
      head.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
    }
    if (body != null) {
      head.append("Content-Length: ").append(content.length).append("\r\n");
    }
    head.append("\r\n");
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 10_000);
      socket.setSoTimeout(60_000);
      socket.getOutputStream().write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().write(content);
      socket.getOutputStream().flush();
      return read(socket.getInputStream());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static FhirApiSupport.Response read(InputStream in) throws IOException {
    byte[] all = readAll(in);
    String text = new String(all, StandardCharsets.ISO_8859_1);
    int end = text.indexOf("\r\n\r\n");
    if (end < 0) {
      throw new IOException("No complete answer: " + text);
    }
    String[] lines = text.substring(0, end).split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      headers
          .computeIfAbsent(lines[i].substring(0, colon).trim(), n -> new ArrayList<>())
          .add(lines[i].substring(colon + 1).trim());
    }
    byte[] body = java.util.Arrays.copyOfRange(all, end + 4, all.length);
    boolean chunked =
        headers.entrySet().stream()
            .anyMatch(
                h ->
                    h.getKey().equalsIgnoreCase("Transfer-Encoding")
                        && h.getValue().toString().toLowerCase(Locale.ROOT).contains("chunked"));
    if (chunked) {
      body = dechunk(body);
    }
    return new FhirApiSupport.Response(
        status, HttpHeaders.of(headers, (a, b) -> true), new String(body, StandardCharsets.UTF_8));
  }

  private static byte[] readAll(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    int n;
    try {
      while ((n = in.read(buffer)) > 0) {
        out.write(buffer, 0, n);
      }
    } catch (java.net.SocketException e) {
      // A server that closes after answering may reset the connection: keep what came.
      if (out.size() == 0) {
        throw e;
      }
    }
    return out.toByteArray();
  }

  private static byte[] dechunk(byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int at = 0;
    while (at < body.length) {
      int lineEnd = at;
      while (lineEnd + 1 < body.length && !(body[lineEnd] == '\r' && body[lineEnd + 1] == '\n')) {
        lineEnd++;
      }
      String size = new String(body, at, lineEnd - at, StandardCharsets.ISO_8859_1).trim();
      int semi = size.indexOf(';');
      int length = Integer.parseInt(semi < 0 ? size : size.substring(0, semi), 16);
      if (length == 0) {
        break;
      }
      out.write(body, lineEnd + 2, Math.min(length, body.length - lineEnd - 2));
      at = lineEnd + 2 + length + 2;
    }
    return out.toByteArray();
  }
}
