package health.commonground.goal;

import health.commonground.conformance.ImplementationGuide;

/** Extension URLs used on Goals; they match the published profiles. */
public final class GoalExtensions {

  public static final String ACCEPTANCE = "http://hl7.org/fhir/StructureDefinition/goal-acceptance";
  public static final String RELATIONSHIP =
      "http://hl7.org/fhir/StructureDefinition/goal-relationship";
  public static final String TRANSLATION = "http://hl7.org/fhir/StructureDefinition/translation";
  public static final String DIVERGENCE =
      ImplementationGuide.structureDefinition("goal-divergence");

  private GoalExtensions() {}
}
