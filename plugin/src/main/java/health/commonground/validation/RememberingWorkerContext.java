package health.commonground.validation;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.hl7.fhir.r5.context.IWorkerContext;

/**
 * The core validator's view of the validation chain, remembering the definitions it has looked up.
 *
 * <p>Why: the core validator looks up the same StructureDefinitions (extensions, data types,
 * profiles) many times per resource, and each lookup through HAPI's adapter walks the chain, parses
 * version strings and checks for a converted copy — ~20 % of validating a Goal with extensions. The
 * chain's content does not change while the application runs (our implementation guide and the core
 * definitions, loaded at start-up), so a definition found once is the one found every time. Lookups
 * that find nothing are not remembered. Everything else goes straight through.
 */
final class RememberingWorkerContext implements InvocationHandler {

  /** Lookups by canonical URL (and version) whose answer depends only on their arguments. */
  private static final List<String> LOOKUPS =
      List.of(
          "fetchResource", "fetchResourceWithException", "fetchResourceRaw", "fetchTypeDefinition");

  private final IWorkerContext chain;
  private final Map<List<Object>, Object> found = new ConcurrentHashMap<>();

  private RememberingWorkerContext(IWorkerContext chain) {
    this.chain = chain;
  }

  static IWorkerContext around(IWorkerContext chain) {
    return (IWorkerContext)
        Proxy.newProxyInstance(
            IWorkerContext.class.getClassLoader(),
            new Class<?>[] {IWorkerContext.class},
            new RememberingWorkerContext(chain));
  }

  @Override
  public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
    if (args == null || !LOOKUPS.contains(method.getName()) || !allKeys(args)) {
      return call(method, args);
    }
    List<Object> key = key(method, args);
    Object known = found.get(key);
    if (known != null) {
      return known;
    }
    Object answer = call(method, args);
    if (answer != null) {
      found.put(key, answer);
    }
    return answer;
  }

  private Object call(Method method, Object[] args) throws Throwable {
    try {
      return method.invoke(chain, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  /**
   * Class, URL and version arguments make the key; the resource a reference was found in (the last
   * argument of some lookups) is ignored by HAPI's adapter, and is left out.
   */
  private static List<Object> key(Method method, Object[] args) {
    Object[] key = new Object[args.length + 1];
    key[0] = method.getName();
    for (int i = 0; i < args.length; i++) {
      key[i + 1] = args[i] instanceof org.hl7.fhir.r5.model.Resource ? null : args[i];
    }
    return Arrays.asList(key);
  }

  /** Only plain lookups by class, URL and version are remembered. */
  private static boolean allKeys(Object[] args) {
    for (Object arg : args) {
      if (arg != null
          && !(arg instanceof String)
          && !(arg instanceof Class<?>)
          && !(arg instanceof org.hl7.fhir.r5.model.Resource)) {
        return false;
      }
    }
    return true;
  }
}
