// The request steps the two Google backends share (places_backends.hpp).
#include <fmt/format.h>
#include <boost/beast/http/verb.hpp>

#include "herd/places/places_backends.hpp"

namespace herd {

boost::asio::awaitable<PlacesAnswer> GooglePlacesBackend::nearby(PlacesQuery query) {
  if (query.radius_km <= 0) co_return places_answer(places_zero_results());
  // A named object, not a braced temporary in the co_await: GCC 12 destroyed
  // that temporary twice (heap corruption in the client).
  Search search = this->search(query);
  const auto verb = boost::beast::http::to_string(search.request.method);
  const std::string_view method(verb.data(), verb.size());
  const auto started = std::chrono::steady_clock::now();
  const auto response = co_await client_->request(std::move(search.request));
  log_places_request(
      log_, name(),
      fmt::format("{} {}{}", method, client_->endpoint().prefix, search.logged_target), response,
      std::chrono::steady_clock::now() - started);
  if (response.failure.empty() && response.status == 200) {
    co_return answer(response.body, query);
  }
  auto failure = places_http_failure(response);
  // The message may quote what the backend said, and so the key.
  remove_key_from_message(failure, key_);
  co_return places_answer(failure);
}

}  // namespace herd
