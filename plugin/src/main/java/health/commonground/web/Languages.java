package health.commonground.web;

import java.util.List;
import java.util.Locale;

/** Languages offered first when recording words in a language; any BCP-47 tag may be typed. */
final class Languages {

  static final List<String> COMMON =
      List.of(
          "en", "es", "pt-BR", "fr", "de", "it", "pl", "ar", "zh", "vi", "tl", "ru", "uk", "ko",
          "ht");

  private Languages() {}

  /**
   * The name of a language in the reader's language, e.g. "español" → "Spanish" for an English
   * reader.
   */
  static String name(String tag, Locale reader) {
    if (tag == null || tag.isBlank()) {
      return "";
    }
    Locale locale = Locale.forLanguageTag(tag);
    String name = locale.getDisplayName(reader);
    return name.isBlank() ? tag : name;
  }
}
