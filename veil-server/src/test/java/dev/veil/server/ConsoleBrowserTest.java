package dev.veil.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.veil.core.audit.AuditLog;
import dev.veil.core.engine.Plan;
import dev.veil.core.keys.Identity;
import dev.veil.core.policy.Policy;
import dev.veil.core.policy.PolicyLoader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console in Debian's headless Chromium, driven through chromedriver: sign-in, live throughput, the record
 * viewer, the policy editor (validation, diff, dry run, activation), a grant requested by one person and approved
 * by another with its countdown, consent lookup and opt-out, the audit explorer with verification, and the live
 * alert feed. Screenshots of each step go to {@code target/console-screenshots/}.
 */
class ConsoleBrowserTest {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Path SHOTS = Path.of("target/console-screenshots");
    static final String EMAIL = "mei.lin.tan@example.com";

    @TempDir
    Path dir;
    AuditLog audit;
    VeilServer server;
    WebDriver browser;
    WebDriverWait wait;
    String admin;
    String bob;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void driver() throws Exception {
        assertThat(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER))
                .as("the console tests need Debian's chromium and chromium-driver: apt-get install chromium chromium-driver"
                        + " (.ci/run installs them)").isTrue();
        Files.createDirectories(SHOTS);
    }

    @BeforeEach
    void setUp() throws Exception {
        Path policyFile = RetailPolicy.copyInto(dir);
        Plan plan = RetailPolicy.plan(PolicyLoader.load(policyFile));
        MemoryGovernanceStore store = new MemoryGovernanceStore();
        store.person("ada", "operator", "approver");
        store.person("bob", "approver");
        ApiTokens.Created a = ApiTokens.empty().with("ada", Set.of(Role.OPERATOR, Role.POLICY_ADMIN, Role.AUDITOR,
                Role.VIEWER), Set.of());
        ApiTokens.Created b = a.tokens().with("bob", Set.of(Role.APPROVER, Role.VIEWER), Set.of());
        admin = a.token();
        bob = b.token();
        Identity signer = Identity.generate("veil-server");
        Path auditFile = dir.resolve("audit.jsonl");
        audit = AuditLog.openFile(auditFile, signer, Clock.systemUTC(), 1000);
        server = VeilServer.builder(plan).port(0).tokens(b.tokens()).governance(store)
                .policyText(Files.readString(policyFile)).audit(audit, auditFile, Set.of(signer.publicKeyText()))
                .policyDir(dir).start();

        ChromeOptions o = new ChromeOptions();
        o.setBinary(CHROMIUM.toFile());
        // headless, and no calls home: this machine's network is closed and Chromium would keep trying
        o.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1400,1000", "--user-data-dir=" + dir.resolve("chromium-profile"));
        // the page's console messages, so a CSP violation can be seen
        o.setCapability("goog:loggingPrefs", java.util.Map.of("browser", "ALL"));
        // a driver service per browser: quitting a browser shuts its service down
        browser = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build(), o);
        wait = new WebDriverWait(browser, Duration.ofSeconds(15));
    }

    @AfterEach
    void tearDown() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        server.close();
        audit.close();
    }

    void shot(String name) throws Exception {
        byte[] png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES);
        Files.write(SHOTS.resolve(name + ".png"), png);
    }

    WebElement id(String id) {
        return browser.findElement(By.id(id));
    }

    void signIn(String token) {
        browser.get(server.url() + "/console/");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("token"))).sendKeys(token);
        id("signin-form").submit();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("app")));
    }

    void tab(String name) {
        id("tab-" + name).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id(name)));
    }

    void mask(String stream, String body) throws Exception {
        HttpRequest r = HttpRequest.newBuilder(URI.create(server.url() + "/v1/mask?segment=support&stream=" + stream))
                .header("Authorization", "Bearer " + admin).POST(HttpRequest.BodyPublishers.ofString(body)).build();
        assertThat(http.send(r, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
    }

    @Test
    void theConsolesMainFlowsWorkInARealBrowser() throws Exception {
        browser.get(server.url() + "/console/");
        id("token").sendKeys("veil_at_not-a-real-token");
        id("signin-form").submit();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("signin-error"), "unknown API token"));
        shot("01-sign-in-refused");
        id("token").clear();

        signIn(admin);
        assertThat(id("who").getText()).contains("ada").contains("policy-admin");
        assertThat(id("policy-badge").getText()).contains("retail");

        // live throughput: records masked through the API show up per stream and segment
        mask("orders", "{\"customer\":{\"id\":\"c-9\",\"email\":\"" + EMAIL + "\"},\"order_id\":\"o-77\"}");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("throughput-table"), "orders"));
        shot("02-throughput");

        // the record viewer: the sample as each segment sees it, without a raw view (no grant)
        tab("records");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("records-list"), "Stream orders"));
        String views = id("records-list").getText();
        assertThat(views).contains("segment support").contains("segment analytics").contains("o-77").doesNotContain(EMAIL);
        assertThat(browser.findElements(By.cssSelector("#records-list .raw"))).isEmpty();
        shot("03-record-viewer");

        // the policy editor: a broken policy names its line, a change shows as a diff and a dry run, then activates
        tab("policy");
        WebElement text = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("policy-text")));
        wait.until(d -> text.getAttribute("value").contains("name: retail"));
        String original = text.getAttribute("value");
        text.clear();
        text.sendKeys(original.replace("      EMAIL: {mask: {keep_first: 1, keep_domain: true}}", "      EMAIL: {mask: {keep_frist: 1}}"));
        id("policy-validate").click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("policy-result"), "Not valid"));
        assertThat(id("policy-result").getText()).contains("line ");
        shot("04-policy-invalid");
        text.clear();
        text.sendKeys(original.replace("      EMAIL: {mask: {keep_first: 1, keep_domain: true}}", "      EMAIL: redact"));
        id("policy-diff").click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("policy-result"), "+1"));
        assertThat(id("policy-result").getText()).contains("+       EMAIL: redact").contains("-       EMAIL: {mask");
        id("policy-dryrun").click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("policy-result"), "would look different"));
        assertThat(id("policy-result").getText()).contains("1 sample record(s); 1 would look different").contains("segment support");
        shot("05-policy-dry-run");
        id("policy-activate").click();
        browser.switchTo().alert().accept();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("policy-result"), "Activated"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("policy-history"), "by ada"));

        // the activation is in the live alert feed
        tab("alerts");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("alerts-list"), "policy-activated"));
        shot("06-alerts");

        // a grant: ada requests it, bob approves it, the countdown runs
        tab("grants");
        id("g-stream").sendKeys("orders");
        id("g-segment").sendKeys("support");
        id("g-classes").sendKeys("EMAIL");
        id("g-reason").sendKeys("chargeback dispute");
        id("g-ticket").sendKeys("CASE-12");
        id("grant-form").submit();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("grants-message"), "needs a second person"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("grants-table"), "pending"));
        // ada may not approve her own request: the console offers no button for it
        assertThat(browser.findElements(By.xpath("//table[@id='grants-table']//button[text()='Approve']"))).isEmpty();
        shot("07-grant-pending");
        id("sign-out").click();
        signIn(bob);
        tab("grants");
        wait.until(ExpectedConditions.elementToBeClickable(By.xpath("//table[@id='grants-table']//button[text()='Approve']"))).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("grants-table"), "active"));
        String left = browser.findElement(By.cssSelector("#grants-table .countdown")).getText();
        assertThat(left).matches("\\d\\dm \\d\\ds");
        wait.until(d -> !d.findElement(By.cssSelector("#grants-table .countdown")).getText().equals(left));
        shot("08-grant-active-countdown");
        // bob (approver, viewer) has no record viewer and no audit explorer
        tab("records");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("records-list"), "needs the operator"));
        id("sign-out").click();

        // with her grant active, ada's record viewer shows the raw record, marked as such
        signIn(admin);
        tab("records");
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#records-list .raw")));
        assertThat(id("records-list").getText()).contains("raw — shown under your active grant").contains(EMAIL);
        shot("09-record-viewer-raw-under-grant");

        // consent: look up, opt out, look up again
        tab("consent");
        id("subject").sendKeys("c-9");
        id("consent-form").submit();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("consent-result"), "Not opted out"));
        id("consent-optout").click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("consent-result"), "Opted out"));
        shot("10-consent");

        // audit: the chain verifies, and the explorer finds the approval
        tab("audit");
        id("audit-verify").click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("audit-verdict"), "Intact"));
        id("a-type").sendKeys("grant-approved");
        id("audit-form").submit();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("audit-table"), "grant-approved"));
        assertThat(id("audit-table").getText()).contains("bob").doesNotContain(EMAIL).doesNotContain("c-9");
        shot("11-audit");
    }

    @Test
    void theConsoleIsServedWithAStrictContentSecurityPolicyAndNoThirdPartyRequests() throws Exception {
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(server.url() + "/console/")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Security-Policy").orElse("")).contains("default-src 'self'");
        for (String asset : List.of("/console/", "/console/app.js", "/console/app.css")) {
            String body = http.send(HttpRequest.newBuilder(URI.create(server.url() + asset)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            // offline: nothing is loaded from anywhere but this server
            assertThat(body).as(asset).doesNotContainPattern("(src|href)=\"https?://").doesNotContain("cdn");
        }
        // the page is usable by keyboard: the tabs are real buttons with ARIA roles, the form has labels
        signIn(admin);
        assertThat(browser.findElements(By.cssSelector("[role=tab]"))).hasSize(7);
        assertThat(browser.findElements(By.cssSelector("label[for=g-stream]"))).hasSize(1);
        id("tab-overview").sendKeys(org.openqa.selenium.Keys.ARROW_RIGHT);
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("records")));
        // nothing the console did broke the CSP; the probe shows the browser log is really collected
        ((org.openqa.selenium.JavascriptExecutor) browser).executeScript("console.error('veil-log-probe')");
        List<String> log = browser.manage().logs().get("browser").getAll().stream()
                .map(org.openqa.selenium.logging.LogEntry::getMessage).toList();
        assertThat(log).anyMatch(m -> m.contains("veil-log-probe"));
        assertThat(log).noneMatch(m -> m.contains("Content Security Policy"));
    }
}
