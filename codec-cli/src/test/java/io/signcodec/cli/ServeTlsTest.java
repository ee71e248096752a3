package io.signcodec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** serve and send over TLS, with self-signed certificates the test makes with keytool. */
class ServeTlsTest {
  @TempDir Path dir;

  /** A certificate for 127.0.0.1 and its key, as PEM files. */
  record Identity(Path cert, Path key) {}

  /**
   * keytool (from this JDK) makes a self-signed EC certificate in a PKCS#12 store; its certificate
   * and PKCS#8 key are then written as PEM, the form Netty's SslContextBuilder reads.
   */
  Identity selfSigned(String name, String subjectAltName) throws Exception {
    return selfSigned(dir, name, subjectAltName);
  }

  /** A self-signed EC certificate and its key, as PEM files in {@code dir}. */
  static Identity selfSigned(Path dir, String name, String subjectAltName) throws Exception {
    Path store = dir.resolve(name + ".p12");
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    Process p =
        new ProcessBuilder(
                keytool,
                "-genkeypair",
                "-alias",
                name,
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-sigalg",
                "SHA256withECDSA",
                "-dname",
                "CN=" + name,
                "-ext",
                "SAN=" + subjectAltName,
                "-validity",
                "2",
                "-keystore",
                store.toString(),
                "-storetype",
                "PKCS12",
                "-storepass",
                "changeit",
                "-keypass",
                "changeit")
            .redirectErrorStream(true)
            .start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "keytool did not finish");
    assertEquals(0, p.exitValue(), output);
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      ks.load(in, "changeit".toCharArray());
    }
    PrivateKey key = (PrivateKey) ks.getKey(name, "changeit".toCharArray());
    Path cert =
        pem(dir.resolve(name + ".crt.pem"), "CERTIFICATE", ks.getCertificate(name).getEncoded());
    return new Identity(cert, pem(dir.resolve(name + ".key.pem"), "PRIVATE KEY", key.getEncoded()));
  }

  static Path pem(Path file, String type, byte[] der) throws IOException {
    String body =
        Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    Files.writeString(
        file,
        "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n",
        StandardCharsets.US_ASCII);
    return file;
  }

  @Test
  @Timeout(90)
  void sendIsVerifiedOverTlsAndRefusedWithoutTheRightTrust() throws Exception {
    int d = 16;
    ServeSendTest.Trained x = ServeSendTest.trained(dir, "x", 5_000, d, 9);
    Identity server = selfSigned("server", "ip:127.0.0.1");
    Identity stranger = selfSigned("stranger", "ip:127.0.0.1");
    ServeSendTest.Server serve =
        ServeSendTest.serve(
            x.codebook(),
            4,
            "--tls-cert",
            server.cert().toString(),
            "--tls-key",
            server.key().toString());

    Cli.Result send = x.send(serve.port(), "--tls-trust", server.cert().toString(), "--quiet");
    assertEquals(0, send.exit(), send.toString());
    Map<String, Object> json = send.json();
    assertEquals(true, json.get("serverVerified"));
    assertEquals(5_000.0, json.get("vectors"));

    // Trusting another certificate: the handshake fails on both sides, one line each.
    Cli.Result wrongTrust =
        x.send(serve.port(), "--tls-trust", stranger.cert().toString(), "--quiet");
    assertEquals(1, wrongTrust.exit(), wrongTrust.toString());
    assertEquals(1, wrongTrust.errLines().length, wrongTrust.toString());
    assertTrue(
        wrongTrust.errLines()[0].startsWith(
            "signcodec send: 127.0.0.1:" + serve.port() + ": TLS handshake failed: "),
        wrongTrust.toString());

    // The right certificate, but not for the name connected to: it names 127.0.0.1 only.
    Cli.Result wrongName =
        x.send(
            serve.port(),
            "--host",
            "localhost",
            "--tls-trust",
            server.cert().toString(),
            "--quiet");
    assertEquals(1, wrongName.exit(), wrongName.toString());
    // The JDK's own reason ends the line; newer JDKs (25 here) put the alert's name first.
    String refusal = wrongName.errLines()[0];
    assertTrue(
        refusal.startsWith("signcodec send: localhost:" + serve.port() + ": TLS handshake failed: ")
            && refusal.endsWith("No name matching localhost found"),
        refusal);

    // Plain frames to a TLS port are not a TLS record: refused, one line on the server.
    Cli.Result plain = x.send(serve.port(), "--quiet");
    assertEquals(1, plain.exit(), plain.toString());
    assertEquals("", plain.out(), "a failed send prints no result");

    assertEquals(0, serve.exit().get(20, TimeUnit.SECONDS));
    // One line per failed connection (sorted: the server may log them in either order).
    // The last connection's line may come just after the server stopped waiting for it.
    String[] logged = ServeLimitsTest.awaitErrLines(serve, 3);
    java.util.List<String> lines =
        java.util.Arrays.stream(logged)
            .map(line -> line.replaceFirst("^signcodec serve: /127\\.0\\.0\\.1:\\d+: ", ""))
            // Newer JDKs (25 here) put the alert's name before the reason.
            .map(line -> line.replaceFirst("^TLS: \\([a-z_]+\\) ", "TLS: "))
            .sorted()
            .collect(java.util.stream.Collectors.toList());
    assertEquals(
        java.util.List.of(
            "TLS: Received fatal alert: certificate_unknown",
            "TLS: Received fatal alert: certificate_unknown",
            "TLS: the client did not start a TLS handshake (plain frames to a TLS port?)"),
        lines);
  }

  @Test
  void aKeyThatIsNotAKeyIsNamed() throws Exception {
    ServeSendTest.Trained y = ServeSendTest.trained(dir, "y", 500, 8, 2);
    Identity id = selfSigned("server", "ip:127.0.0.1");
    Cli.Result r =
        Cli.run(
            "serve",
            "--codebook",
            y.codebook().toString(),
            "--port",
            "0",
            "--tls-cert",
            id.cert().toString(),
            "--tls-key",
            y.data().toString());
    assertEquals(1, r.exit(), r.toString());
    assertEquals(1, r.errLines().length, r.toString());
    assertTrue(
        r.errLines()[0].startsWith(
            "signcodec serve: "
                + id.cert()
                + ": cannot use as TLS certificate with key "
                + y.data()
                + ": "),
        r.toString());
  }
}
