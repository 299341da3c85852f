package health.commonground.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.deque.html.axecore.results.Results;
import com.deque.html.axecore.results.Rule;
import com.deque.html.axecore.selenium.AxeBuilder;
import health.commonground.testing.HeadlessChromium;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The joint review in real browsers through the real launch of the embedded sandbox: a clinician
 * launched from the sandbox EHR with Jordan Ellis's chart open records a client goal and a
 * therapist goal, names the divergence, logs a strategy and proposes a shared goal; Jordan, signed
 * in through the portal in a second browser, accepts it; the clinician's screen shows it active.
 * Also: a concurrent change shown as a conflict, the caseload, the summary, Spanish screens and an
 * axe-core scan of each screen.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class JointReviewIT {

  private static final Path SHOTS = Path.of("target/screenshots");
  private static final String CLIENT_WORDS =
      "I want to wake up on Mondays without dreading the week";
  private static final String THERAPIST_WORDS =
      "Reduce Sunday-evening anticipatory anxiety (GAD-7 below 10)";
  private static final String SHARED_WORDS =
      "Sunday evenings that end calmly, so Monday starts rested";

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) throws IOException {
    Path dir = Files.createTempDirectory("cg-web-it");
    registry.add("commonground.data-dir", dir::toString);
    registry.add("server.address", () -> "127.0.0.1");
  }

  @LocalServerPort int port;

  private Chrome clinician;
  private Chrome client;

  @BeforeAll
  void browsers() throws IOException {
    Files.createDirectories(SHOTS);
    clinician = new Chrome();
    client = new Chrome();
  }

  @AfterAll
  void close() {
    clinician.close();
    client.close();
  }

  private String app() {
    return "http://127.0.0.1:" + port;
  }

  @Test
  @Order(1)
  void clinicianLaunchesFromTheEhrWithTheClientInContext() throws IOException {
    clinician.open(app() + "/sandbox/launch");
    new Select(clinician.find(By.name("practitioner")))
        .selectByVisibleText(option(clinician, "practitioner", "Haddad"));
    new Select(clinician.find(By.name("patient")))
        .selectByVisibleText(option(clinician, "patient", "Ellis"));
    clinician.find(By.name("banner")).click();
    clinician.find(By.cssSelector("button[type=submit]")).click();
    clinician.waitFor(By.id("board"));
    assertThat(clinician.url()).isEqualTo(app() + "/app");
    assertThat(clinician.text(By.tagName("h1"))).contains("Ellis");
    assertThat(clinician.present(By.id("patient-banner"))).isTrue();
    assertThat(clinician.text(By.id("user-role"))).isEqualTo("clinician");
    assertThat(clinician.find(By.cssSelector("link[href$='/app/ehr-style.css']"))).isNotNull();
    assertThat(clinician.text(By.id("h-discuss"))).isEqualTo("To discuss next session");
    clinician.shot("clinician-launched");
    clinician.axe("clinician-view");
  }

  @Test
  @Order(2)
  void clinicianRecordsBothVoicesNamesTheDivergenceLogsAStrategyAndProposesASharedGoal()
      throws IOException {
    clinician.find(By.id("new-client-text")).sendKeys(CLIENT_WORDS);
    WebElement lang = clinician.find(By.id("new-client-lang"));
    lang.clear();
    lang.sendKeys("en");
    submit(clinician, By.id("new-client-text"));
    clinician.waitForFlash("Saved: the client's goal");
    WebElement clientCard = card(clinician, CLIENT_WORDS);
    assertThat(clientCard.findElement(By.tagName("blockquote")).getAttribute("lang"))
        .isEqualTo("en");

    clinician.find(By.id("new-therapist-text")).sendKeys(THERAPIST_WORDS);
    submit(clinician, By.id("new-therapist-text"));
    clinician.waitForFlash("Saved: your goal");
    assertThat(card(clinician, THERAPIST_WORDS).getText()).contains("not answered yet");

    // Name the divergence from the client goal's actions.
    openActions(clinician, CLIENT_WORDS);
    WebElement forms = card(clinician, CLIENT_WORDS).findElement(By.className("action-forms"));
    new Select(forms.findElement(By.name("counterpart")))
        .selectByVisibleText(
            optionContaining(
                forms.findElement(By.name("counterpart")), THERAPIST_WORDS.substring(0, 30)));
    forms.findElement(By.cssSelector("input[value='client-readiness']")).click();
    forms.findElement(By.cssSelector("input[value='different-perspectives']")).click();
    clinician.shot("clinician-name-divergence-form");
    clinician.axe("clinician-goal-actions");
    forms.findElement(By.cssSelector("form[action$='/divergence'] button[type=submit]")).click();
    clinician.waitForFlash("Saved: the divergence is named");
    String pair = tag(clinician, CLIENT_WORDS) + "-" + tag(clinician, THERAPIST_WORDS);
    assertThat(divergence(clinician, pair).getText())
        .contains("Client readiness", "Different perspectives", "identified");

    // Log a strategy on it.
    openDivergence(clinician, pair);
    WebElement strategyForm =
        divergence(clinician, pair).findElement(By.cssSelector("form[action$='/strategy']"));
    strategyForm.findElement(By.cssSelector("input[value='open-communication']")).click();
    strategyForm
        .findElement(By.name("note"))
        .sendKeys("Asked what Mondays feel like; shared what I notice on Sundays");
    strategyForm.findElement(By.cssSelector("button[type=submit]")).click();
    clinician.waitForFlash("Saved: the strategy");
    assertThat(divergence(clinician, pair).findElement(By.className("timeline")).getText())
        .contains("Open communication");

    // Propose a shared goal, prefilled from both wordings.
    openDivergence(clinician, pair);
    WebElement details =
        divergence(clinician, pair)
            .findElement(By.cssSelector(".action-forms details:last-of-type"));
    details.findElement(By.tagName("summary")).click();
    WebElement wording = details.findElement(By.name("text"));
    assertThat(wording.getAttribute("value")).contains(CLIENT_WORDS).contains(THERAPIST_WORDS);
    wording.clear();
    wording.sendKeys(SHARED_WORDS);
    details.findElement(By.cssSelector("button[type=submit]")).click();
    clinician.waitForFlash("Saved: the shared goal is proposed");
    WebElement shared = card(clinician, SHARED_WORDS);
    assertThat(shared.getText()).contains("proposed");
    assertThat(divergence(clinician, pair).getText()).contains("common ground");

    // The clinician agrees to the shared goal; it waits for the client.
    shared.findElement(By.cssSelector("form[action$='/acceptance'] button")).click();
    clinician.waitForFlash("Saved: you agree");
    assertThat(card(clinician, SHARED_WORDS).getText()).contains("proposed");
    clinician.shot("clinician-shared-goal-proposed");
    clinician.axe("clinician-after-actions");
  }

  @Test
  @Order(3)
  void theClientSeesTheSharedGoalInTheirPortalAndAcceptsIt() throws IOException {
    client.open(app() + "/launch/standalone?role=client");
    client.waitFor(By.cssSelector("form[action='login'] button"));
    for (WebElement button :
        client.driver.findElements(By.cssSelector("form[action='login'] button"))) {
      if (button.getText().contains("Ellis")) {
        button.click();
        break;
      }
    }
    client.waitFor(By.id("board"));
    assertThat(client.text(By.id("user-role"))).isEqualTo("client");
    assertThat(client.text(By.tagName("h1"))).isEqualTo("Your goals");
    assertThat(client.text(By.id("main")))
        .contains("What matters most to you right now?", "Is this goal still yours?");
    // Plain language: no codes, no clinician tags.
    assertThat(client.driver.findElements(By.cssSelector(".tag, .badge.status"))).isEmpty();
    client.shot("client-view");
    client.axe("client-view");

    WebElement shared = card(client, SHARED_WORDS);
    assertThat(shared.getText()).contains("Suggested");
    shared
        .findElement(By.cssSelector("form[action$='/acceptance'] input[value='agree'] ~ button"))
        .click();
    client.waitForFlash("Saved: you agree");
    assertThat(card(client, SHARED_WORDS).getText()).contains("You both agree");
    client.shot("client-accepted");
  }

  @Test
  @Order(4)
  void theClinicianScreenThenShowsTheSharedGoalActive() throws IOException {
    clinician.open(app() + "/app");
    WebElement shared = card(clinician, SHARED_WORDS);
    assertThat(shared.findElement(By.cssSelector(".badge.lifecycle")).getText())
        .isEqualTo("active");
    assertThat(shared.getText()).contains("agrees");
    clinician.shot("clinician-shared-goal-active");
  }

  @Test
  @Order(5)
  void aConcurrentChangeIsShownWithBothVersionsAndNothingIsOverwritten() throws IOException {
    // The clinician opens the note form of the therapist goal; meanwhile the client asks about it.
    openActions(clinician, THERAPIST_WORDS);
    client.open(app() + "/app");
    WebElement theirs = card(client, THERAPIST_WORDS);
    theirs.findElement(By.cssSelector("details summary")).click();
    theirs
        .findElement(By.cssSelector("form[action$='/note'] textarea"))
        .sendKeys("Why GAD-7? What is that?");
    theirs.findElement(By.cssSelector("form[action$='/note'] button")).click();
    client.waitForFlash("Sent: your question");

    WebElement forms = card(clinician, THERAPIST_WORDS).findElement(By.className("action-forms"));
    WebElement noteDetails = forms.findElement(By.xpath(".//form[contains(@action,'/note')]/.."));
    noteDetails.findElement(By.tagName("summary")).click();
    noteDetails.findElement(By.name("text")).sendKeys("Explain the GAD-7 next time");
    noteDetails.findElement(By.cssSelector("button[type=submit]")).click();
    clinician.waitFor(By.id("conflict"));
    String conflict = clinician.text(By.id("conflict"));
    assertThat(conflict)
        .contains(
            "Someone else changed this goal",
            "The version you saw",
            "The version now",
            "Explain the GAD-7 next time");
    clinician.shot("clinician-conflict");
    // Nothing was overwritten: the client's question is there, the clinician's note is not.
    String therapistCard = card(clinician, THERAPIST_WORDS).getText();
    assertThat(therapistCard)
        .contains("Why GAD-7? What is that?")
        .doesNotContain("Explain the GAD-7 next time —");
  }

  @Test
  @Order(6)
  void spanishScreens() throws IOException {
    client.open(app() + "/app?lang=es");
    assertThat(client.find(By.tagName("html")).getAttribute("lang")).isEqualTo("es");
    assertThat(client.text(By.tagName("h1"))).isEqualTo("Sus objetivos");
    assertThat(client.text(By.id("main"))).contains("¿Qué es lo que más le importa ahora mismo?");
    // The client's text is shown as written, whatever the screen's language.
    assertThat(client.text(By.id("main"))).contains(CLIENT_WORDS);
    client.shot("client-view-es");
    client.axe("client-view-es");

    clinician.open(app() + "/app?lang=es");
    assertThat(clinician.text(By.id("h-discuss"))).isEqualTo("Para hablar en la próxima sesión");
    assertThat(clinician.text(By.cssSelector(".divergences"))).contains("Disposición del paciente");
    clinician.shot("clinician-view-es");
    clinician.axe("clinician-view-es");
    clinician.open(app() + "/app?lang=en");
  }

  @Test
  @Order(7)
  void printableSummaryAndErrorPages() throws IOException {
    client.open(app() + "/app?lang=en");
    client.find(By.linkText("Printable summary")).click();
    client.waitFor(By.className("summary"));
    assertThat(client.text(By.className("summary")))
        .contains("What we agreed", SHARED_WORDS, CLIENT_WORDS);
    client.shot("summary");
    client.axe("summary");

    // Another client's goals: a page a person understands, no stack trace.
    client.open(app() + "/app/clients/not-my-record");
    assertThat(client.text(By.tagName("h1"))).isEqualTo("Not found");
    assertThat(client.driver.getPageSource())
        .doesNotContain("Exception")
        .doesNotContain("at health.");
    client.shot("error-not-found");
    client.axe("error-page");
  }

  @Test
  @Order(8)
  void caseloadWhenLaunchedWithoutAClient() throws IOException {
    try (Chrome standalone = new Chrome()) {
      standalone.open(app() + "/launch/standalone?role=clinician");
      standalone.waitFor(By.cssSelector("form[action='login'] button"));
      for (WebElement button :
          standalone.driver.findElements(By.cssSelector("form[action='login'] button"))) {
        if (button.getText().contains("Haddad")) {
          button.click();
          break;
        }
      }
      standalone.waitFor(By.id("caseload"));
      String table = standalone.text(By.id("caseload"));
      assertThat(table).contains("Ellis");
      assertThat(table).doesNotContain("Delgado"); // another therapist's client
      standalone.shot("caseload");
      standalone.axe("caseload");
      standalone.find(By.linkText(firstLinkContaining(standalone, "Ellis"))).click();
      standalone.waitFor(By.id("board"));
      assertThat(standalone.text(By.tagName("h1"))).contains("Ellis");
      // A client of another therapist cannot be opened by id.
      standalone.open(app() + "/sandbox/launch");
      String delgado =
          standalone.driver.findElements(By.cssSelector("select[name=patient] option")).stream()
              .filter(o -> o.getText().contains("Delgado"))
              .map(o -> o.getAttribute("value").substring("Patient/".length()))
              .findFirst()
              .orElseThrow();
      standalone.open(app() + "/app/clients/" + delgado);
      assertThat(standalone.text(By.tagName("h1"))).isEqualTo("Not found");
    }
  }

  // --- helpers -----------------------------------------------------------------------------------

  private static String option(Chrome browser, String select, String containing) {
    return optionContaining(browser.find(By.name(select)), containing);
  }

  private static String optionContaining(WebElement select, String containing) {
    return select.findElements(By.tagName("option")).stream()
        .map(WebElement::getText)
        .filter(t -> t.contains(containing))
        .findFirst()
        .orElseThrow(() -> new AssertionError("No option containing " + containing));
  }

  private static String firstLinkContaining(Chrome browser, String text) {
    return browser.driver.findElements(By.cssSelector("#caseload a")).stream()
        .map(WebElement::getText)
        .filter(t -> t.contains(text))
        .findFirst()
        .orElseThrow();
  }

  private static void submit(Chrome browser, By field) {
    browser
        .find(field)
        .findElement(By.xpath("./ancestor::form"))
        .findElement(By.cssSelector("button[type=submit]"))
        .click();
  }

  /** The goal card showing these words. */
  private static WebElement card(Chrome browser, String words) {
    return browser.wait.until(
        d ->
            d.findElements(By.cssSelector(".goal-card")).stream()
                .filter(c -> c.getText().contains(words))
                .findFirst()
                .orElse(null));
  }

  private static void openActions(Chrome browser, String words) {
    card(browser, words).findElement(By.cssSelector(".actions-slot a")).click();
    browser.wait.until(
        d -> !card(browser, words).findElements(By.className("action-forms")).isEmpty());
  }

  /** The tag (C1, T2, …) of the goal card showing these words. */
  private static String tag(Chrome browser, String words) {
    return card(browser, words).findElement(By.className("tag")).getText();
  }

  /** The divergence card between two goals, by their tags ("C4-T3"). */
  private static WebElement divergence(Chrome browser, String pair) {
    return browser.waitFor(By.cssSelector(".divergence-card[data-pair='" + pair + "']"));
  }

  private static void openDivergence(Chrome browser, String pair) {
    divergence(browser, pair).findElement(By.cssSelector(".actions-slot a")).click();
    browser.wait.until(
        d -> !divergence(browser, pair).findElements(By.className("action-forms")).isEmpty());
  }

  /** Headless Chromium from the system packages, with a fresh profile. */
  static final class Chrome implements AutoCloseable {
    final ChromeDriver driver;
    final WebDriverWait wait;
    private final Path profile;

    Chrome() throws IOException {
      profile = Files.createTempDirectory("cg-web-chromium-");
      driver =
          HeadlessChromium.start(
              profile, Duration.ofSeconds(90), "--window-size=1280,1000", "--lang=en-US");
      wait = new WebDriverWait(driver, Duration.ofSeconds(60));
    }

    void open(String url) {
      driver.get(url);
    }

    String url() {
      return driver.getCurrentUrl();
    }

    WebElement find(By by) {
      return waitFor(by);
    }

    WebElement waitFor(By by) {
      return wait.until(ExpectedConditions.presenceOfElementLocated(by));
    }

    String text(By by) {
      return waitFor(by).getText();
    }

    boolean present(By by) {
      return !driver.findElements(by).isEmpty();
    }

    void waitForFlash(String text) {
      wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("flash"), text));
    }

    void shot(String name) throws IOException {
      Files.write(
          SHOTS.resolve(name + ".png"),
          ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
    }

    /** axe-core WCAG 2.1 A/AA scan of the current page: no serious or critical violation. */
    void axe(String page) throws IOException {
      Results results =
          new AxeBuilder()
              .withTags(List.of("wcag2a", "wcag2aa", "wcag21a", "wcag21aa"))
              .analyze(driver);
      List<Rule> severe =
          results.getViolations().stream()
              .filter(v -> "serious".equals(v.getImpact()) || "critical".equals(v.getImpact()))
              .toList();
      StringBuilder report =
          new StringBuilder(page + ": " + results.getViolations().size() + " violations\n");
      results
          .getViolations()
          .forEach(
              v ->
                  report
                      .append("  ")
                      .append(v.getImpact())
                      .append(" ")
                      .append(v.getId())
                      .append(": ")
                      .append(v.getHelp())
                      .append(" ")
                      .append(
                          v.getNodes().stream()
                              .limit(3)
                              .map(n -> n.getTarget().toString())
                              .toList())
                      .append('\n'));
      Files.writeString(SHOTS.resolve("axe-" + page + ".txt"), report);
      assertThat(severe).as(report.toString()).isEmpty();
    }

    @Override
    public void close() {
      driver.quit();
      try (var walk = Files.walk(profile)) {
        walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException ignored) {
        // a temp profile left behind is harmless
      }
    }
  }
}
