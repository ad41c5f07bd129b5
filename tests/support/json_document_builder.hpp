// Builds a document from scan_json's events, so that what it read can be
// compared with what nlohmann parses. Repeated keys keep the last value, as
// in nlohmann's documents.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "herd/places/json_scan.hpp"

namespace herd::test {

class JsonDocumentBuilder final : public JsonEvents {
 public:
  nlohmann::json root;

  void null() override { put(nullptr); }
  void boolean(bool value) override { put(value); }
  void number_integer(std::int64_t value) override { put(value); }
  void number_unsigned(std::uint64_t value) override { put(value); }
  void number_float(double value) override { put(value); }
  void string(std::string_view text) override { put(std::string(text)); }
  void key(std::string_view text) override { key_ = text; }
  void start_object() override { open_.push_back(put(nlohmann::json::object())); }
  void start_array() override { open_.push_back(put(nlohmann::json::array())); }
  void end_object() override { open_.pop_back(); }
  void end_array() override { open_.pop_back(); }

 private:
  nlohmann::json* put(nlohmann::json value) {
    if (open_.empty()) {
      root = std::move(value);
      return &root;
    }
    nlohmann::json& parent = *open_.back();
    if (parent.is_array()) {
      parent.push_back(std::move(value));
      return &parent.back();
    }
    nlohmann::json& member = parent[key_];
    member = std::move(value);
    return &member;
  }

  std::vector<nlohmann::json*> open_;
  std::string key_;
};

}  // namespace herd::test
