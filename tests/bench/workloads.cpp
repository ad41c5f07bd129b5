#include "workloads.hpp"

#include <charconv>
#include <chrono>
#include <cstring>

namespace herd::bench {

namespace {

// UCLA, as in the spec's examples; the location does not change the work a
// member does.
constexpr std::string_view location = "+34.068930-118.445127";

void append_number(std::string& out, std::uint64_t value, int min_digits = 0) {
  char digits[24];
  const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
  const auto size = static_cast<int>(end - digits);
  if (size < min_digits) out.append(static_cast<std::size_t>(min_digits - size), '0');
  out.append(digits, end);
}

// The current POSIX time as "seconds.nanoseconds", as clients send it.
void append_epoch_time(std::string& out) {
  const auto since_epoch = std::chrono::duration_cast<std::chrono::nanoseconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
  append_number(out, static_cast<std::uint64_t>(since_epoch / 1'000'000'000));
  out.push_back('.');
  append_number(out, static_cast<std::uint64_t>(since_epoch % 1'000'000'000), 9);
}

// What follows the client in an IAMAT line: " <location> <time>\n".
void append_iamat_end(std::string& out, std::string_view time) {
  out.push_back(' ');
  out.append(location);
  out.push_back(' ');
  out.append(time);
  out.push_back('\n');
}

// The value of the top-level "status" member of a WHATSAT reply's JSON.
std::string_view places_status(std::string_view reply) {
  // Place objects carry "business_status", never "status": the key with its
  // quotes is unique to the top level.
  constexpr std::string_view key = "\"status\"";
  auto at = reply.rfind(key);
  if (at == std::string_view::npos) return {};
  at = reply.find('"', reply.find(':', at + key.size()));
  if (at == std::string_view::npos) return {};
  const auto end = reply.find('"', at + 1);
  if (end == std::string_view::npos) return {};
  return reply.substr(at + 1, end - at - 1);
}

}  // namespace

std::string iamat_line(std::string_view client) {
  std::string line = "IAMAT ";
  line.append(client).append(" ").append(location).append(" ");
  append_epoch_time(line);
  line.push_back('\n');
  return line;
}

void IamatWorkload::append_requests(std::string& out, std::size_t count) {
  // One clock reading per batch: the requests of a batch leave together.
  std::string time;
  append_epoch_time(time);
  for (std::size_t i = 0; i < count; ++i) {
    out.append("IAMAT client:");
    append_number(out, next_id_++);
    append_iamat_end(out, time);
  }
}

void ListedIamatWorkload::append_requests(std::string& out, std::size_t count) {
  std::string time;
  append_epoch_time(time);
  for (std::size_t i = 0; i < count; ++i) {
    out.append("IAMAT ").append(clients_[next_]);
    append_iamat_end(out, time);
    next_ = (next_ + 1) % clients_.size();
  }
}

std::size_t IamatReplies::reply_length(std::string_view input) const {
  const auto* newline = static_cast<const char*>(std::memchr(input.data(), '\n', input.size()));
  return newline == nullptr ? 0 : static_cast<std::size_t>(newline - input.data()) + 1;
}

bool IamatReplies::reply_ok(std::string_view reply) const { return reply.starts_with("AT "); }

WhatsatWorkload::WhatsatWorkload(std::string_view client, double radius_km, int bound) {
  request_ = "WHATSAT ";
  request_.append(client).append(" ");
  char radius[32];
  request_.append(radius, std::to_chars(radius, radius + sizeof radius, radius_km).ptr);
  request_.append(" ").append(std::to_string(bound)).append("\n");
}

void WhatsatWorkload::append_requests(std::string& out, std::size_t count) {
  for (std::size_t i = 0; i < count; ++i) out.append(request_);
}

std::size_t WhatsatWorkload::reply_length(std::string_view input) const {
  // An invalid command is answered with a single "? ..." line.
  if (input.starts_with("? ")) {
    const auto newline = input.find('\n');
    return newline == std::string_view::npos ? 0 : newline + 1;
  }
  const auto end = input.find("\n\n");
  return end == std::string_view::npos ? 0 : end + 2;
}

bool WhatsatWorkload::reply_ok(std::string_view reply) const {
  return reply.starts_with("AT ") && places_status(reply) == "OK";
}

}  // namespace herd::bench
