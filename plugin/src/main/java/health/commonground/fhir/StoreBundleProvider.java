package health.commonground.fhir;

import ca.uhn.fhir.rest.api.server.IBundleProvider;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IPrimitiveType;
import org.hl7.fhir.r4.model.InstantType;

/**
 * One page of a search or history, already read: the matches, their included resources and the
 * total. Paging is by offset, so any replica can serve any page.
 */
final class StoreBundleProvider implements IBundleProvider {

  private final List<IBaseResource> resources;
  private final Integer total;
  private final int offset;
  private final int pageSize;
  private final InstantType published = InstantType.withCurrentTime();

  StoreBundleProvider(List<IBaseResource> resources, Integer total, int offset, int pageSize) {
    this.resources = resources;
    this.total = total;
    this.offset = offset;
    this.pageSize = pageSize;
  }

  @Override
  public IPrimitiveType<java.util.Date> getPublished() {
    return published;
  }

  @Override
  public List<IBaseResource> getResources(int fromIndex, int toIndex) {
    return resources;
  }

  @Override
  public Integer getCurrentPageOffset() {
    return offset;
  }

  @Override
  public Integer getCurrentPageSize() {
    return pageSize;
  }

  @Override
  public String getUuid() {
    return null;
  }

  @Override
  public Integer preferredPageSize() {
    return pageSize;
  }

  @Override
  public Integer size() {
    return total;
  }
}
