package health.commonground.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.Filter;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.mock.web.MockServletContext;
import org.springframework.web.context.support.StaticWebApplicationContext;
import org.springframework.web.servlet.handler.HandlerMappingIntrospector;

class FhirRequestsSkipMvcLookupTest {

  /** Where the introspector's cache filter keeps the looked-up handler for the request. */
  private static final String LOOKED_UP =
      HandlerMappingIntrospector.class.getName() + ".CachedResult";

  @Test
  void fhirRequestsPassWithoutAHandlerLookupAndOthersAreLookedUp() throws Exception {
    StaticWebApplicationContext context = new StaticWebApplicationContext();
    context.setServletContext(new MockServletContext());
    context.refresh();
    FhirRequestsSkipMvcLookup processor = new FhirRequestsSkipMvcLookup();
    processor.setApplicationContext(context);

    Object replaced =
        processor.postProcessBeforeInitialization(
            new HandlerMappingIntrospector(), FhirRequestsSkipMvcLookup.INTROSPECTOR);
    assertThat(replaced).isInstanceOf(FhirRequestsSkipMvcLookup.SkipsFhirRequests.class);
    HandlerMappingIntrospector introspector = (HandlerMappingIntrospector) replaced;
    introspector.afterPropertiesSet();
    Filter filter = introspector.createCacheFilter();

    assertThat(lookedUp(filter, "", "/fhir/Goal/1")).isFalse();
    assertThat(lookedUp(filter, "", "/fhir")).isFalse();
    assertThat(lookedUp(filter, "/cg", "/cg/fhir/Goal")).isFalse();
    assertThat(lookedUp(filter, "", "/app/goals")).isTrue();
    assertThat(lookedUp(filter, "", "/fhirish")).isTrue();
    assertThat(lookedUp(filter, "/cg", "/cg/app")).isTrue();
  }

  @Test
  void leavesOtherBeansAlone() {
    FhirRequestsSkipMvcLookup processor = new FhirRequestsSkipMvcLookup();
    HandlerMappingIntrospector other = new HandlerMappingIntrospector();
    assertThat(processor.postProcessBeforeInitialization(other, "anotherIntrospector"))
        .isSameAs(other);
    Object unrelated = new Object();
    assertThat(
            processor.postProcessBeforeInitialization(
                unrelated, FhirRequestsSkipMvcLookup.INTROSPECTOR))
        .isSameAs(unrelated);
  }

  private static boolean lookedUp(Filter filter, String contextPath, String uri) throws Exception {
    MockHttpServletRequest request = new MockHttpServletRequest("GET", uri);
    request.setContextPath(contextPath);
    boolean[] lookedUp = new boolean[1];
    filter.doFilter(
        request,
        new MockHttpServletResponse(),
        (req, res) -> lookedUp[0] = req.getAttribute(LOOKED_UP) != null);
    return lookedUp[0];
  }
}
