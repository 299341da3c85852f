package health.commonground.smart;

import health.commonground.testing.HeadlessChromium;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/** Headless Chromium from the system packages, with a fresh profile; records every page it saw. */
final class Browser implements AutoCloseable {

  /** Every URL and page source seen by any browser of the test run. */
  static final List<String> SEEN = new CopyOnWriteArrayList<>();

  private final ChromeDriver driver;
  private final Path profile;

  Browser() throws IOException {
    profile = Files.createTempDirectory("cg-chromium-");
    driver = HeadlessChromium.start(profile, Duration.ofSeconds(60), "--window-size=1200,900");
  }

  WebDriver driver() {
    return driver;
  }

  void open(String url) {
    driver.get(url);
    record();
  }

  String url() {
    return driver.getCurrentUrl();
  }

  void record() {
    SEEN.add(driver.getCurrentUrl());
    SEEN.add(driver.getPageSource());
  }

  /** Signs in on Keycloak's login page and waits until the browser has left Keycloak. */
  void keycloakLogin(String username, String password, String keycloakBase) {
    waitFor(By.id("username"));
    record();
    driver.findElement(By.id("username")).sendKeys(username);
    driver.findElement(By.id("password")).sendKeys(password);
    driver.findElement(By.id("kc-login")).click();
    new WebDriverWait(driver, Duration.ofSeconds(30))
        .until(d -> !d.getCurrentUrl().startsWith(keycloakBase));
    record();
  }

  WebElement waitFor(By by) {
    return new WebDriverWait(driver, Duration.ofSeconds(30)).until(d -> d.findElement(by));
  }

  String text(By by) {
    return driver.findElement(by).getText();
  }

  boolean present(By by) {
    return !driver.findElements(by).isEmpty();
  }

  void screenshot(String name) throws IOException {
    Path dir = Path.of("target/screenshots");
    Files.createDirectories(dir);
    byte[] png = ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES);
    Files.write(dir.resolve(name + ".png"), png);
  }

  String cookie(String name) {
    var cookie = driver.manage().getCookieNamed(name);
    return cookie == null ? null : cookie.getValue();
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
