#include <fmt/format.h>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "herd/places/places_backends.hpp"

namespace herd {

namespace {

std::string_view trimmed(std::string_view text) {
  constexpr std::string_view space = " \t\r\n\f\v";
  const auto first = text.find_first_not_of(space);
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(space) - first + 1);
}

}  // namespace

std::optional<std::string> read_places_key(const PlacesConfig& config, std::string& error) {
  if (const char* from_environment = std::getenv("GOOGLE_PLACES_API_KEY");
      from_environment != nullptr && *from_environment != '\0') {
    return std::string(trimmed(from_environment));
  }
  if (config.key_file.empty()) return std::string();

  std::ifstream file(config.key_file);
  if (!file) {
    error = fmt::format("places.key_file {}: cannot be read ({})", config.key_file,
                        std::strerror(errno));
    return std::nullopt;
  }
  std::ostringstream contents;
  contents << file.rdbuf();
  const std::string text = contents.str();
  const auto key = trimmed(text);
  // A key file that is there but empty is a mistake, not a wish for no key.
  if (key.empty()) {
    error = fmt::format("places.key_file {}: holds no key", config.key_file);
    return std::nullopt;
  }
  return std::string(key);
}

}  // namespace herd
