package health.commonground;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class CommonGroundApplication {

  public static void main(String[] args) {
    SpringApplication.run(CommonGroundApplication.class, args);
  }
}
