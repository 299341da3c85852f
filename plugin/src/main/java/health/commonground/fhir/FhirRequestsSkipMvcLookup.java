package health.commonground.fhir;

import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationContextAware;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.handler.HandlerMappingIntrospector;

/**
 * Keeps Spring MVC's handler lookup off FHIR requests.
 *
 * <p>Why: Spring Security runs every request through a cache filter of Spring MVC's {@link
 * HandlerMappingIntrospector}, which looks up the request's MVC handler up front: ~11 % of a read's
 * or a create's request thread. FHIR requests go to HAPI's servlet, never to Spring MVC, and
 * nothing asks for that lookup: the FHIR filter chain matches paths with path patterns and takes
 * its CORS rules from a source of its own ({@code FhirSecurityConfig}). The application's
 * introspector is replaced with one whose cache filter lets FHIR requests pass; every other request
 * is looked up as before.
 */
@Component
class FhirRequestsSkipMvcLookup implements BeanPostProcessor, ApplicationContextAware {

  /** The name Spring MVC's configuration gives the introspector, and Spring Security asks for. */
  static final String INTROSPECTOR = "mvcHandlerMappingIntrospector";

  private ApplicationContext context;

  @Override
  public void setApplicationContext(ApplicationContext context) {
    this.context = context;
  }

  @Override
  public Object postProcessBeforeInitialization(Object bean, String beanName) {
    if (INTROSPECTOR.equals(beanName) && bean.getClass() == HandlerMappingIntrospector.class) {
      // Spring initialises the replacement (afterPropertiesSet); the context it is given here, as
      // the context-aware step has already run on the original.
      SkipsFhirRequests replacement = new SkipsFhirRequests();
      replacement.setApplicationContext(context);
      return replacement;
    }
    return bean;
  }

  static boolean isFhirRequest(HttpServletRequest request) {
    String path = request.getRequestURI().substring(request.getContextPath().length());
    return path.equals("/fhir") || path.startsWith("/fhir/");
  }

  /** The introspector whose cache filter passes FHIR requests straight on. */
  static final class SkipsFhirRequests extends HandlerMappingIntrospector {
    @Override
    public Filter createCacheFilter() {
      Filter lookUp = super.createCacheFilter();
      return (request, response, chain) -> {
        if (request instanceof HttpServletRequest http && isFhirRequest(http)) {
          chain.doFilter(request, response);
        } else {
          lookUp.doFilter(request, response, chain);
        }
      };
    }
  }
}
