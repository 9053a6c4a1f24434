package io.repobox.runner.cli;

import static io.repobox.agent.testing.RecordingHandler.SAFETY_NET;
import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.repobox.agent.process.ProcessResult;
import io.repobox.agent.process.ProcessRunner;
import io.repobox.agent.process.ProcessSpec;
import io.repobox.agent.testing.RecordingHandler;
import io.repobox.output.redis.EmbeddedRedis;
import io.repobox.runner.config.ChildEnvironment;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * REDIS_URL {@code rediss://}: the packaged jar against a redis-server whose port speaks only TLS,
 * with a certificate of a private CA (made here with the JDK's keytool), as a managed or self-hosted
 * Redis with TLS is set up.
 */
class RedisTlsIT {

    private static final Path JAR = Path.of("target", "runner-app.jar").toAbsolutePath();
    private static final String PASSWORD = "tls-test-password-0b2f";
    private static final char[] STORE_PASSWORD = "changeit".toCharArray();

    @TempDir
    static Path dir;

    private static EmbeddedRedis server;
    private static int tlsPort;
    private static Path truststore;

    @BeforeAll
    static void serverWithAPrivateCertificate() throws Exception {
        Path keystore = dir.resolve("server.p12");
        ProcessResult made = ProcessRunner.run(ProcessSpec.builder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "redis", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2", "-storetype", "PKCS12", "-keystore", keystore.toString(),
                "-storepass", "changeit", "-keypass", "changeit").workingDirectory(dir).build(), (s, t, ts) -> { });
        assertThat(made.isSuccess()).as(made.describe("keytool")).isTrue();
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            keys.load(in, STORE_PASSWORD);
        }
        Certificate certificate = keys.getCertificate("redis");
        Files.writeString(dir.resolve("cert.pem"), pem("CERTIFICATE", certificate.getEncoded()));
        Files.writeString(dir.resolve("key.pem"), pem("PRIVATE KEY", keys.getKey("redis", STORE_PASSWORD).getEncoded()));
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", certificate);
        truststore = dir.resolve("trust.p12");
        try (OutputStream out = Files.newOutputStream(truststore)) {
            trust.store(out, STORE_PASSWORD);
        }
        tlsPort = EmbeddedRedis.freePort();
        server = EmbeddedRedis.start(dir.resolve("data"), 0, false, List.of("--tls-port", Integer.toString(tlsPort),
                "--tls-cert-file", dir.resolve("cert.pem").toString(), "--tls-key-file", dir.resolve("key.pem").toString(),
                "--tls-ca-cert-file", dir.resolve("cert.pem").toString(), "--tls-auth-clients", "no", "--requirepass", PASSWORD));
        for (String[] args : new String[][] {{"init", "-q", "-b", "main"}, {"-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q",
                "--allow-empty", "-m", "seed"}}) {
            List<String> command = new ArrayList<>(List.of("git"));
            command.addAll(List.of(args));
            Files.createDirectories(dir.resolve("repo"));
            assertThat(new ProcessBuilder(command).directory(dir.resolve("repo").toFile()).start().waitFor()).isZero();
        }
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aJobRunsOverTlsWhenTheJvmTrustsTheServersCa() throws Exception {
        RecordingHandler out = new RecordingHandler();
        ProcessResult result = jar(out, List.of("-Djavax.net.ssl.trustStore=" + truststore, "-Djavax.net.ssl.trustStorePassword=changeit"),
                "run", "--agent", "fake", "--repo", dir.resolve("repo").toString(), "over TLS");

        assertThat(result.exitCode()).as(String.join("\n", out.texts())).hasValue(0);
        String id = out.texts().stream().filter(t -> t.matches("\\[runner\\] Job \\S+ submitted")).findFirst().orElseThrow()
                .split(" ")[2];
        RedisClient plain = RedisClient.create("redis://:" + PASSWORD + "@127.0.0.1:" + server.port());
        try (StatefulRedisConnection<String, String> connection = plain.connect()) {
            assertThat(connection.sync().hget("job:" + id, "status")).as("the job's record, in the server behind TLS").isEqualTo("success");
        } finally {
            plain.shutdown();
        }
        assertThat(String.join("\n", out.texts())).doesNotContain(PASSWORD);
    }

    @Test
    void aCertificateTheJvmDoesNotTrustIsAClearErrorNamingTheRemedy() throws Exception {
        RecordingHandler out = new RecordingHandler();
        ProcessResult result = jar(out, List.of(), "status", "any-job");

        assertThat(result.exitCode()).as("Redis unreachable").hasValue(ExitCodes.INTERNAL);
        assertThat(out.texts()).containsExactly("error: cannot connect to Redis at rediss://:***@127.0.0.1:" + tlsPort + ": the server's TLS "
                + "certificate is not signed by a CA this JVM trusts (unable to find valid certification path to requested target); "
                + "give the JVM a truststore that holds that CA (-Djavax.net.ssl.trustStore=FILE)");
    }

    @Test
    void aTruststoreTheJvmCannotReadIsAClearError() throws Exception {
        RecordingHandler out = new RecordingHandler();
        ProcessResult result = jar(out, List.of("-Djavax.net.ssl.trustStore=" + truststore), "status", "any-job"); // no password given

        assertThat(result.exitCode()).hasValue(ExitCodes.INTERNAL);
        assertThat(out.texts()).containsExactly("error: cannot connect to Redis at rediss://:***@127.0.0.1:" + tlsPort + ": the JVM's "
                + "truststore holds no certificate it can read (the trustAnchors parameter must be non-empty); check "
                + "-Djavax.net.ssl.trustStore and -Djavax.net.ssl.trustStorePassword");
    }

    private static ProcessResult jar(RecordingHandler out, List<String> jvmOptions, String... args) throws InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", JAR.toString()));
        command.addAll(List.of(args));
        Map<String, String> env = ChildEnvironment.inherited();
        env.put("REDIS_URL", "rediss://:" + PASSWORD + "@127.0.0.1:" + tlsPort);
        env.put("TEMP_DIR", dir.resolve("work").toString());
        return ProcessRunner.start(ProcessSpec.builder(command).workingDirectory(dir).environment(env).build(), out).await(SAFETY_NET)
                .orElseThrow();
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
