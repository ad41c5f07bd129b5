// What the two Google backends share: turning HTTP outcomes into the legacy
// vocabulary of protocol.md §7, parsing bodies defensively, and the request log line.
#include <fmt/format.h>
#include <spdlog/logger.h>
#include <boost/beast/http/status.hpp>

#include "herd/places/places_backends.hpp"

namespace herd {

namespace {

// Whether `text` opens more than `limit` arrays and objects inside each other,
// counting brackets outside strings. This scan costs a small part of what the
// parser's per-value callback did; where the JSON is invalid, the parser stops
// at the first error, before any nesting this scan has not counted.
bool nested_deeper_than(std::string_view text, int limit) {
  int depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;  // an escaped quote does not end the string
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > limit) return true;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return false;
}

// Google's error body: {"error":{"code":403,"message":"...","status":"...",
// "details":[{"@type":"...ErrorInfo","reason":"API_KEY_INVALID",...}]}}.
struct GoogleError {
  std::string message;
  bool key_invalid = false;
};

GoogleError google_error(std::string_view body) {
  GoogleError result;
  nlohmann::json failure;
  const auto parsed = parse_places_body(body, failure);
  if (!parsed || !parsed->is_object()) return result;
  const auto error = parsed->find("error");
  if (error == parsed->end() || !error->is_object()) return result;
  if (const auto message = error->find("message");
      message != error->end() && message->is_string()) {
    result.message = message->get<std::string>();
  }
  if (const auto details = error->find("details"); details != error->end() && details->is_array()) {
    for (const auto& detail : *details) {
      if (!detail.is_object()) continue;
      const auto reason = detail.find("reason");
      if (reason != detail.end() && *reason == "API_KEY_INVALID") result.key_invalid = true;
    }
  }
  return result;
}

}  // namespace

nlohmann::json places_unparsable(std::string_view why) {
  return places_error("UNKNOWN_ERROR",
                      fmt::format("unparsable response from the Places backend: {}", why));
}

nlohmann::json places_http_failure(const HttpsResponse& response) {
  if (!response.failure.empty()) return places_error("UNKNOWN_ERROR", response.failure);
  const unsigned status = response.status;
  const auto error = google_error(response.body);
  std::string_view legacy_status = "UNKNOWN_ERROR";  // 5xx, and whatever else is not a 200
  if (status == 403 || (status == 400 && error.key_invalid)) {
    legacy_status = "REQUEST_DENIED";
  } else if (status == 429) {
    legacy_status = "OVER_QUERY_LIMIT";
  } else if (status >= 400 && status < 500) {
    legacy_status = "INVALID_REQUEST";
  }
  std::string message = fmt::format("Places backend answered HTTP {}", status);
  if (const auto known = boost::beast::http::int_to_status(status);
      known != boost::beast::http::status::unknown) {
    message += fmt::format(" {}", boost::beast::http::obsolete_reason(known));
  }
  if (!error.message.empty()) message += ": " + error.message;
  return places_error(legacy_status, message);
}

nlohmann::json places_unreadable_at(std::string_view what, std::size_t byte) {
  return places_unparsable(fmt::format("{} at byte {}", what, byte));
}

nlohmann::json places_nested_too_deep() {
  return places_unparsable(fmt::format("nested deeper than {} levels", places_max_depth));
}

std::optional<nlohmann::json> parse_places_body(std::string_view body, nlohmann::json& failure) {
  if (nested_deeper_than(body, places_max_depth)) {
    failure = places_nested_too_deep();
    return std::nullopt;
  }
  try {
    return nlohmann::json::parse(body);
  } catch (const nlohmann::json::parse_error& error) {
    const bool utf8 = std::string_view(error.what()).find("UTF-8") != std::string_view::npos;
    failure = places_unreadable_at(utf8 ? "invalid UTF-8" : "not JSON", error.byte);
  }
  return std::nullopt;
}

void log_places_request(spdlog::logger& log, std::string_view backend, std::string_view what,
                        const HttpsResponse& response, std::chrono::steady_clock::duration took) {
  const std::chrono::duration<double, std::milli> ms = took;
  if (!response.failure.empty()) {
    log.warn("places {}: {} -> failed in {:.1f} ms: {}", backend, what, ms.count(),
             response.failure);
    return;
  }
  log.info("places {}: {} -> {} in {:.1f} ms ({} connection #{})", backend, what, response.status,
           ms.count(), response.new_connection ? "new TLS" : "reused", response.handshake_number);
}

void remove_key_from_message(nlohmann::json& answer, std::string_view key) {
  const auto message = answer.find("error_message");
  if (message == answer.end()) return;
  if (message->is_string()) {
    *message = without_key(message->get<std::string>(), key);
  } else {
    answer.erase(message);
  }
}

std::string without_key(std::string text, std::string_view key) {
  if (key.empty()) return text;
  constexpr std::string_view mask = "<key>";
  for (auto at = text.find(key); at != std::string::npos; at = text.find(key, at + mask.size())) {
    text.replace(at, key.size(), mask);
  }
  return text;
}

}  // namespace herd
