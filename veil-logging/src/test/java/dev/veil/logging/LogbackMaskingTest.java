package dev.veil.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import ch.qos.logback.core.status.Status;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Logback appender, configured from XML as users do, writing through a real FileAppender. */
class LogbackMaskingTest {
    static final String CARD = "4111 1111 1111 1111";
    static final String EMAIL = "ana.lima@example.com";

    @TempDir
    Path dir;
    LoggerContext ctx;

    @AfterEach
    void stop() {
        LogMasking.kill(false);
        if (ctx != null) {
            ctx.stop();
        }
    }

    static String policy() throws Exception {
        return Paths.get(LogbackMaskingTest.class.getResource("/logs-policy.yaml").toURI()).toString();
    }

    Logger configure(String policy, String segment) throws Exception {
        ctx = new LoggerContext();
        ctx.setName("veil-test");
        ctx.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
        JoranConfigurator j = new JoranConfigurator();
        j.setContext(ctx);
        String xml = """
                <configuration>
                  <appender name="FILE" class="ch.qos.logback.core.FileAppender">
                    <file>%s</file>
                    <encoder><pattern>%%level %%msg mdc=[%%mdc] kv=[%%kvp]%%n%%ex</pattern></encoder>
                  </appender>
                  <appender name="LIST" class="ch.qos.logback.core.read.ListAppender"/>
                  <appender name="VEIL" class="dev.veil.logging.logback.MaskingAppender">
                    <policy>%s</policy>
                    <segment>%s</segment>
                    <appender-ref ref="FILE"/>
                    <appender-ref ref="LIST"/>
                  </appender>
                  <root level="INFO"><appender-ref ref="VEIL"/></root>
                </configuration>
                """.formatted(dir.resolve("app.log"), policy, segment);
        j.doConfigure(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
        return ctx.getLogger("app");
    }

    String file() throws Exception {
        return Files.readString(dir.resolve("app.log"));
    }

    @SuppressWarnings("unchecked")
    List<ILoggingEvent> listed() {
        var veil = (dev.veil.logging.logback.MaskingAppender) ctx.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("VEIL");
        return ((ListAppender<ILoggingEvent>) veil.getAppender("LIST")).list;
    }

    @Test
    void messagesArgumentsMdcPairsAndExceptionsAreMaskedBeforeTheFileAppenderWritesThem() throws Exception {
        Logger log = configure(policy(), "logs");
        ctx.getMDCAdapter().put("user.email", EMAIL);
        ctx.getMDCAdapter().put("session", "s3cr3t-session-value");
        ctx.getMDCAdapter().put("request_id", "req-42");
        log.atInfo().setMessage("order paid by {} with card {}").addArgument(EMAIL).addArgument(CARD)
                .addKeyValue("contact", EMAIL).addKeyValue("amount", 42).log();
        log.info("inline concatenation leaks too: " + EMAIL);
        log.error("payment failed", new IllegalStateException("card " + CARD + " declined",
                new RuntimeException("cause mentions " + EMAIL)));
        ctx.getMDCAdapter().clear();

        String out = file();
        assertThat(out).doesNotContain(EMAIL).doesNotContain(CARD).doesNotContain("s3cr3t-session-value")
                .doesNotContain("4111");
        assertThat(out).contains("order paid by a**.****@example.com with card **** **** **** 1111")
                .contains("inline concatenation leaks too: a**.****@example.com")
                .contains("request_id=req-42")
                .contains("java.lang.IllegalStateException: card **** **** **** 1111 declined")
                .contains("Caused by: java.lang.RuntimeException: cause mentions a**.****@example.com")
                .contains("at dev.veil.logging.LogbackMaskingTest");
        // the session MDC entry (SECRET: drop) leaves the event; the email key is classified by its path rule
        assertThat(out).doesNotContain("session=").contains("user.email=a**.****@example.com");

        ILoggingEvent first = listed().get(0);
        assertThat(first.getArgumentArray()).containsExactly("a**.****@example.com", "**** **** **** 1111");
        assertThat(first.getKeyValuePairs()).extracting(p -> p.key + "=" + p.value)
                .containsExactly("contact=a**.****@example.com", "amount=42");
        assertThat(first.getKeyValuePairs().get(1).value).isEqualTo(42); // a clean number keeps its type
        assertThat(first.getMDCPropertyMap()).doesNotContainKey("session").containsEntry("request_id", "req-42");
        assertThat(((dev.veil.logging.logback.MaskingAppender) ctx.getLogger(Logger.ROOT_LOGGER_NAME)
                .getAppender("VEIL")).masking().counts()).containsExactly(3, 3, 0);
    }

    @Test
    void aClassTheSegmentDropsRecordsForDropsTheWholeEvent() throws Exception {
        Logger log = configure(policy(), "logs");
        log.info("clean line");
        log.info("customer ssn is 536-22-8142, please verify");
        log.info("another clean line");
        assertThat(file()).contains("clean line").contains("another clean line").doesNotContain("536-22-8142")
                .doesNotContain("ssn");
        assertThat(listed()).hasSize(2);
    }

    @Test
    void thePolicyNotLoadingMeansNothingIsWrittenNotRawLogs() throws Exception {
        Logger log = configure(dir.resolve("missing.yaml").toString(), "logs");
        log.info("mail " + EMAIL);
        assertThat(Files.exists(dir.resolve("app.log")) ? file() : "").doesNotContain(EMAIL);
        List<Status> errors = ctx.getStatusManager().getCopyOfStatusList().stream()
                .filter(s -> s.getLevel() == Status.ERROR).toList();
        assertThat(errors).extracting(Status::getMessage)
                .anySatisfy(m -> assertThat(m).contains("cannot load policy").contains("missing.yaml"));
    }

    @Test
    void anUnknownSegmentIsAConfigurationErrorThatNamesTheSegments() throws Exception {
        Logger log = configure(policy(), "nope");
        log.info("mail " + EMAIL);
        assertThat(ctx.getStatusManager().getCopyOfStatusList()).extracting(Status::getMessage)
                .anySatisfy(m -> assertThat(m).contains("no segment 'nope'").contains("logs"));
        assertThat(Files.exists(dir.resolve("app.log")) ? file() : "").doesNotContain(EMAIL);
    }

    @Test
    void theKillSwitchPassesEventsThroughAndSaysSo() throws Exception {
        Logger log = configure(policy(), "logs");
        LogMasking.kill(true);
        log.info("mail " + EMAIL);
        LogMasking.kill(false);
        log.info("mail " + EMAIL);
        assertThat(file()).contains("mail " + EMAIL).contains("mail a**.****@example.com");
        assertThat(ctx.getStatusManager().getCopyOfStatusList()).extracting(Status::getMessage)
                .anySatisfy(m -> assertThat(m).contains("kill switch is on"));
    }

    @Test
    void hostileMessagesAreBoundedAndNeverEchoed() throws Exception {
        Logger log = configure(policy(), "logs");
        String huge = "a@".repeat(3_000_000) + EMAIL; // over the 4 MiB record limit
        log.info(huge);
        log.info("x".repeat(100_000) + "@" + "y".repeat(100_000)); // a near-miss email, ReDoS-shaped
        log.info("bad surrogate \uD800 then " + EMAIL);
        String out = file();
        assertThat(out).contains("characters withheld, over the record limit").doesNotContain(EMAIL);
        assertThat(listed()).hasSize(3);
    }
}
