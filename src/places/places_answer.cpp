// The legacy-shaped answers every Places backend builds (protocol.md §4, §7): plain
// JSON work, kept apart from the backends' I/O so the fuzzers can link it.
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "herd/places/places.hpp"

namespace herd {

nlohmann::json places_error(std::string_view status, std::string_view message) {
  return {{"html_attributions", nlohmann::json::array()},
          {"results", nlohmann::json::array()},
          {"status", status},
          {"error_message", message}};
}

nlohmann::json places_zero_results() {
  return {{"html_attributions", nlohmann::json::array()},
          {"results", nlohmann::json::array()},
          {"status", "ZERO_RESULTS"}};
}

std::string format_places_json(const nlohmann::json& body) {
  // No ASCII escaping, so names such as "Café" stay readable; a backend's
  // invalid UTF-8 becomes U+FFFD instead of an exception in the session.
  return body.dump(3, ' ', false, nlohmann::json::error_handler_t::replace);
}

PlacesAnswer places_answer(const nlohmann::json& body) {
  const auto results = body.find("results");
  const auto status = body.find("status");
  return {format_places_json(body),
          results != body.end() && results->is_array() ? results->size() : 0,
          status != body.end() && status->is_string() ? status->get<std::string>() : "?"};
}

}  // namespace herd
