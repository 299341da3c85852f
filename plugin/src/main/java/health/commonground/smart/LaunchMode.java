package health.commonground.smart;

/** How the app was started: from inside an EHR, or on its own from a portal or bookmark. */
enum LaunchMode {
  EHR,
  STANDALONE
}
