// Start-to-ready probe for bench/startup.sh: "ready" = the broker acknowledged a first produce
// (and, for Sluice, /q/health/ready answered UP). Started and armed BEFORE the broker is launched,
// so its own JVM start and class loading are not counted (as the anchor's KafkaReadyProbe).
//
//   FirstProduceProbe BOOTSTRAP TOPIC TIMEOUT_MS [HEALTH_URL]
//
// Prints "ARMED epoch_ms=...", then "HEALTH_UP epoch_ms=..." (only with HEALTH_URL: first HTTP 200
// whose body says "UP", polled every 10 ms), "PRODUCED epoch_ms=... offset=..." (one 100-byte
// record to TOPIC, auto-created by the broker's Metadata handling, producer defaults: acks=all,
// idempotence on) and "READY epoch_ms=..." (the later of the two). Exit 0; 2 on timeout.
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

public class FirstProduceProbe {
    public static void main(String[] a) throws Exception {
        if (a.length < 3) { System.err.println("usage: FirstProduceProbe BOOTSTRAP TOPIC TIMEOUT_MS [HEALTH_URL]"); System.exit(64); }
        String bootstrap = a[0], topic = a[1];
        long deadline = System.currentTimeMillis() + Long.parseLong(a[2]);
        String healthUrl = a.length > 3 ? a[3] : null;

        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest health = healthUrl == null ? null
                : HttpRequest.newBuilder(URI.create(healthUrl)).timeout(Duration.ofSeconds(2)).GET().build();
        if (health != null) healthUp(http, health); // warm the HTTP client's classes (the broker is not up yet)

        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "startup-probe");
        // Poll fast while the broker is down: resolution should be tens of ms, not the 1 s default max backoff.
        p.put(ProducerConfig.RECONNECT_BACKOFF_MS_CONFIG, "10");
        p.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "20");
        p.put(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, "10");
        p.put(ProducerConfig.RETRY_BACKOFF_MAX_MS_CONFIG, "20");
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, a[2]);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, a[2]);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());

        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            Thread healthPoller = null;
            long[] healthAt = {0};
            if (health != null) {
                healthPoller = new Thread(() -> {
                    while (System.currentTimeMillis() < deadline) {
                        if (healthUp(http, health)) { healthAt[0] = System.currentTimeMillis(); return; }
                        try { Thread.sleep(10); } catch (InterruptedException e) { return; }
                    }
                }, "health-poller");
            }
            System.out.println("ARMED epoch_ms=" + System.currentTimeMillis());
            System.out.flush();
            if (healthPoller != null) healthPoller.start();

            RecordMetadata md = producer.send(new ProducerRecord<>(topic, new byte[100]))
                    .get(Math.max(1, deadline - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
            long producedAt = System.currentTimeMillis();
            System.out.println("PRODUCED epoch_ms=" + producedAt + " offset=" + md.offset());
            long readyAt = producedAt;
            if (healthPoller != null) {
                healthPoller.join(Math.max(1, deadline - System.currentTimeMillis()));
                if (healthAt[0] == 0) { System.out.println("TIMEOUT health"); System.exit(2); }
                System.out.println("HEALTH_UP epoch_ms=" + healthAt[0]);
                readyAt = Math.max(readyAt, healthAt[0]);
            }
            System.out.println("READY epoch_ms=" + readyAt);
            System.out.flush();
            producer.close(Duration.ZERO);
            System.exit(0);
        } catch (Exception e) {
            System.out.println("TIMEOUT " + e);
            System.exit(2);
        }
    }

    static boolean healthUp(HttpClient http, HttpRequest req) {
        try {
            HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 && r.body().contains("\"UP\"");
        } catch (Exception e) {
            return false;
        }
    }
}
