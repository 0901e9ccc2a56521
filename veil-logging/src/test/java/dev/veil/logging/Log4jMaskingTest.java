package dev.veil.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.logging.log4j.Logger;
import org.apache.logging.log4j.ThreadContext;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.Configurator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Log4j2 appender, configured from XML and found as a plugin, writing through a real FileAppender. */
class Log4jMaskingTest {
    static final String CARD = "4111 1111 1111 1111";
    static final String EMAIL = "ana.lima@example.com";

    @TempDir
    Path dir;
    LoggerContext ctx;

    @AfterEach
    void stop() {
        LogMasking.kill(false);
        ThreadContext.clearAll();
        if (ctx != null) {
            Configurator.shutdown(ctx);
        }
    }

    Logger configure(String policy, String segment) throws Exception {
        Path xml = dir.resolve("log4j2.xml");
        Files.writeString(xml, """
                <Configuration status="WARN">
                  <Appenders>
                    <File name="File" fileName="%s" immediateFlush="true">
                      <PatternLayout pattern="%%level %%msg ctx=%%X ndc=%%x %%xEx%%n"/>
                    </File>
                    <VeilMasking name="veil" policy="%s" segment="%s">
                      <AppenderRef ref="File"/>
                    </VeilMasking>
                  </Appenders>
                  <Loggers><Root level="info"><AppenderRef ref="veil"/></Root></Loggers>
                </Configuration>
                """.formatted(dir.resolve("app.log"), policy, segment));
        ctx = Configurator.initialize("veil-" + System.nanoTime(), null, xml.toUri());
        return ctx.getLogger("app");
    }

    String file() throws Exception {
        return Files.exists(dir.resolve("app.log")) ? Files.readString(dir.resolve("app.log")) : "";
    }

    @Test
    void messagesParametersContextAndExceptionsAreMaskedBeforeTheFileAppenderWritesThem() throws Exception {
        Logger log = configure(LogbackMaskingTest.policy(), "logs");
        ThreadContext.put("user.email", EMAIL);
        ThreadContext.put("session", "s3cr3t-session-value");
        ThreadContext.put("request_id", "req-42");
        ThreadContext.push("checkout for " + EMAIL);
        log.info("order paid by {} with card {}", EMAIL, CARD);
        log.info("inline: " + EMAIL);
        log.error("payment failed", new IllegalStateException("card " + CARD + " declined",
                new RuntimeException("cause mentions " + EMAIL)));
        String out = file();
        assertThat(out).doesNotContain(EMAIL).doesNotContain(CARD).doesNotContain("s3cr3t-session-value");
        assertThat(out).contains("order paid by a**.****@example.com with card **** **** **** 1111")
                .contains("inline: a**.****@example.com").contains("ndc=[checkout for a**.****@example.com]")
                .contains("user.email=a**.****@example.com").contains("request_id=req-42").doesNotContain("session=")
                .contains("java.lang.IllegalStateException: card **** **** **** 1111 declined")
                .contains("Caused by: java.lang.RuntimeException: cause mentions a**.****@example.com")
                .contains("at dev.veil.logging.Log4jMaskingTest");
    }

    @Test
    void aClassTheSegmentDropsRecordsForDropsTheWholeEvent() throws Exception {
        Logger log = configure(LogbackMaskingTest.policy(), "logs");
        log.info("clean line");
        log.info("customer ssn is 536-22-8142, please verify");
        assertThat(file()).contains("clean line").doesNotContain("536-22-8142");
    }

    @Test
    void thePolicyNotLoadingMeansNoAppenderAndNothingWritten() throws Exception {
        Logger log = configure(dir.resolve("missing.yaml").toString(), "logs");
        log.info("mail " + EMAIL);
        assertThat(file()).doesNotContain(EMAIL);
        assertThat(ctx.getConfiguration().getAppenders()).doesNotContainKey("veil");
    }

    @Test
    void theKillSwitchPassesEventsThrough() throws Exception {
        Logger log = configure(LogbackMaskingTest.policy(), "logs");
        LogMasking.kill(true);
        log.info("mail " + EMAIL);
        LogMasking.kill(false);
        log.info("mail " + EMAIL);
        assertThat(file()).contains("mail " + EMAIL).contains("mail a**.****@example.com");
    }
}
