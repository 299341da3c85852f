package health.commonground.smart;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.time.Duration;
import java.time.Instant;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.session.Session;
import org.springframework.session.SessionRepository;
import org.springframework.session.jdbc.JdbcIndexedSessionRepository;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The session table migration works on both databases, and a launched app session written by one
 * replica is read back, tokens and context intact, by another (a second repository on the same
 * database).
 */
class SessionStorePostgresIT {

  @Test
  void sessionsSurviveAcrossReplicasOnPostgres() throws Exception {
    try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
      roundTrip(postgres.getPostgresDatabase());
    }
  }

  @Test
  void sessionsSurviveAcrossReplicasOnH2() throws Exception {
    JdbcDataSource h2 = new JdbcDataSource();
    h2.setURL("jdbc:h2:mem:sessions;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DB_CLOSE_DELAY=-1");
    roundTrip(h2);
  }

  private static void roundTrip(DataSource dataSource) throws Exception {
    Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
    SessionRepository<Session> replicaA = repository(dataSource);
    SessionRepository<Session> replicaB = repository(dataSource);

    Session session = replicaA.createSession();
    var tokens =
        TokenResponse.of(
            new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(
                    "{\"access_token\":\"at\",\"refresh_token\":\"rt\",\"expires_in\":300,"
                        + "\"token_type\":\"Bearer\",\"patient\":\"client-sam\"}"));
    SmartSession smart =
        new SmartSession(
            "Test EHR",
            "https://ehr/fhir",
            LaunchMode.EHR,
            new SmartUser(
                "https://ehr/fhir/Practitioner/p1", AppRole.CLINICIAN, "Ada Okafor", "sub-1"),
            new LaunchContext("client-sam", "Sam Rivera", null, true, null, null, null),
            tokens,
            Instant.now());
    session.setAttribute(SmartSession.ATTRIBUTE, smart);
    session.setMaxInactiveInterval(Duration.ofMinutes(30));
    replicaA.save(session);

    Session read = replicaB.findById(session.getId());
    assertThat(read).isNotNull();
    SmartSession back = read.getAttribute(SmartSession.ATTRIBUTE);
    assertThat(back.user().displayName()).isEqualTo("Ada Okafor");
    assertThat(back.context().patient()).isEqualTo("client-sam");
    assertThat(back.accessToken()).isEqualTo("at");

    replicaB.deleteById(session.getId());
    assertThat(replicaA.findById(session.getId())).isNull();
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static SessionRepository<Session> repository(DataSource dataSource) {
    return (SessionRepository)
        new JdbcIndexedSessionRepository(
            new JdbcTemplate(dataSource),
            new TransactionTemplate(new DataSourceTransactionManager(dataSource)));
  }
}
