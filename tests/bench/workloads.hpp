// What the load generator sends and how it frames the replies: an IAMAT gets
// one "AT ..." line; a WHATSAT gets the AT line, a JSON object and "\n\n".
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace herd::bench {

class Workload {
 public:
  virtual ~Workload() = default;
  // Appends `count` requests to `out`.
  virtual void append_requests(std::string& out, std::size_t count) = 0;
  // Length of the complete reply at the start of `input`, or 0 if it is not
  // all there yet.
  virtual std::size_t reply_length(std::string_view input) const = 0;
  virtual bool reply_ok(std::string_view reply) const = 0;
};

// IAMATs, each answered by one "AT ..." line.
class IamatReplies : public Workload {
 public:
  std::size_t reply_length(std::string_view input) const override;
  bool reply_ok(std::string_view reply) const override;
};

// IAMATs for distinct clients "client:<id>", id = base, base+1, ...
class IamatWorkload final : public IamatReplies {
 public:
  explicit IamatWorkload(std::uint64_t id_base) : next_id_(id_base) {}
  void append_requests(std::string& out, std::size_t count) override;

 private:
  std::uint64_t next_id_;
};

// IAMATs for the clients of a list, in its order, then from its start again.
class ListedIamatWorkload final : public IamatReplies {
 public:
  explicit ListedIamatWorkload(std::vector<std::string> clients) : clients_(std::move(clients)) {}
  void append_requests(std::string& out, std::size_t count) override;

 private:
  std::vector<std::string> clients_;
  std::size_t next_ = 0;
};

// The same WHATSAT over and over; a reply is OK when its JSON status is "OK".
class WhatsatWorkload final : public Workload {
 public:
  WhatsatWorkload(std::string_view client, double radius_km, int bound);
  void append_requests(std::string& out, std::size_t count) override;
  std::size_t reply_length(std::string_view input) const override;
  bool reply_ok(std::string_view reply) const override;

 private:
  std::string request_;
};

// "IAMAT <client> <location> <now>\n", for single requests (seeds, probes).
std::string iamat_line(std::string_view client);

}  // namespace herd::bench
