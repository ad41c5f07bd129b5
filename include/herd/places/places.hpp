// Looking up places near a client for WHATSAT (protocol.md §4, §7).
// A backend answers with the text of a JSON object in the shape of Google's
// legacy Nearby Search response; failures are answers too (status +
// error_message), never throws.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <cstddef>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "herd/config/config.hpp"

namespace spdlog {
class logger;
}

namespace herd {

struct PlacesQuery {
  double latitude = 0;
  double longitude = 0;
  double radius_km = 0;
  int bound = 0;
};

// A backend's answer, ready to send, with what the member logs about it.
struct PlacesAnswer {
  std::string body;  // as format_places_json prints it
  std::size_t results = 0;
  std::string status;
};

class PlacesBackend {
 public:
  virtual ~PlacesBackend() = default;
  // Never throws for backend failures: they come back as a legacy error status.
  virtual boost::asio::awaitable<PlacesAnswer> nearby(PlacesQuery query) = 0;
  virtual std::string_view name() const = 0;
};

// {"html_attributions":[],"results":[],"status":status,"error_message":message}
nlohmann::json places_error(std::string_view status, std::string_view message);

// {"html_attributions":[],"results":[],"status":"ZERO_RESULTS"}
nlohmann::json places_zero_results();

// The reply body of protocol.md §4: three-space indent, no trailing newline, invalid
// UTF-8 replaced rather than thrown on.
std::string format_places_json(const nlohmann::json& body);

// `body` printed, with its number of results and its status.
PlacesAnswer places_answer(const nlohmann::json& body);

// The backend chosen by `config` (and GOOGLE_PLACES_API_KEY / the key file).
// Returns nullptr and sets `error` when the choice cannot work (e.g. an
// unreadable key file or CA file).
std::unique_ptr<PlacesBackend> make_places_backend(const PlacesConfig& config,
                                                   boost::asio::any_io_executor executor,
                                                   spdlog::logger& log, std::string& error);

}  // namespace herd
