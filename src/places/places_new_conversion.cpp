#include "herd/places/places_new_conversion.hpp"

#include <fmt/format.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <vector>

#include "herd/places/json_scan.hpp"
#include "herd/places/places_backends.hpp"
#include "herd/places/places_json_writer.hpp"

namespace herd {

namespace {

using nlohmann::json;

// What a value is to the conversion, known from where it sits. Values with
// no role (and everything inside them) are read past.
enum class Role : std::uint8_t {
  none,
  body,
  places,
  place,
  id,
  display_name,
  name,
  location,
  latitude,
  longitude,
  types,
  type,
  short_address,
  full_address,
  rating,
  rating_count,
  business_status,
};

Role place_field(std::string_view key) {
  if (key == "id") return Role::id;
  if (key == "displayName") return Role::display_name;
  if (key == "location") return Role::location;
  if (key == "types") return Role::types;
  if (key == "shortFormattedAddress") return Role::short_address;
  if (key == "formattedAddress") return Role::full_address;
  if (key == "rating") return Role::rating;
  if (key == "userRatingCount") return Role::rating_count;
  if (key == "businessStatus") return Role::business_status;
  return Role::none;
}

// A string field of a place; its buffer is kept from place to place.
struct TextField {
  std::string text;
  bool present = false;

  void set(std::string_view value) {
    text.assign(value);
    present = true;
  }
};

// One place's fields as the body last gave them. A number is held as a JSON
// value (null when absent) so that it prints as a parsed document prints it.
struct PlaceFields {
  TextField id, name, short_address, full_address, business_status;
  json latitude, longitude, rating, rating_count;
  std::vector<std::string> types;
  std::size_t type_count = 0;  // `types` keeps its strings' buffers past this

  void clear() {
    for (TextField* text : {&id, &name, &short_address, &full_address, &business_status}) {
      text->present = false;
    }
    latitude = rating = rating_count = longitude = nullptr;
    type_count = 0;
  }

  bool usable() const {
    return id.present && name.present && latitude.is_number() && longitude.is_number();
  }
};

// Keeps what the legacy answer needs as the body is read, and writes each
// usable place as it ends.
class Converter final : public JsonEvents {
 public:
  explicit Converter(int bound) : bound_(static_cast<std::size_t>(bound)) {}

  NewPlacesConversion finish(std::string_view body) && {
    results_text_.reserve(body.size() * 2);  // pretty-printed, a result outgrows its place
    if (const auto error = scan_json(body, *this, places_max_depth)) {
      return answer_from(unreadable(*error));
    }
    if (!body_is_object_) return answer_from(places_unparsable("the body is not a JSON object"));
    // Google leaves "places" out when nothing is near.
    if (places_ == Places::absent) return answer_from(places_zero_results());
    if (places_ == Places::not_array) {
      return answer_from(places_unparsable("\"places\" is not an array"));
    }
    if (results_ == 0) {
      if (place_count_ == 0) return answer_from(places_zero_results());
      return answer_from(places_unparsable(
          fmt::format("none of the {} places has an id, name and location", place_count_)));
    }
    NewPlacesConversion done;
    std::string& text = done.answer.body;
    text.reserve(results_text_.size() + 80);
    text += "{\n   \"html_attributions\": [],\n   \"results\": [\n";
    text += results_text_;
    text += "\n   ],\n   \"status\": \"OK\"\n}";
    done.answer.results = results_;
    done.answer.status = "OK";
    done.places = place_count_;
    done.skipped = skipped_;
    return done;
  }

  // --- JsonEvents ---
  void null() override { scalar(); }
  void boolean(bool) override { scalar(); }
  void number_integer(std::int64_t value) override { number(value, true); }
  void number_unsigned(std::uint64_t value) override { number(value, true); }
  void number_float(double value) override { number(value, false); }

  void string(std::string_view value) override {
    switch (begin_value()) {
      case Role::id: place_.id.set(value); break;
      case Role::name: place_.name.set(value); break;
      case Role::short_address: place_.short_address.set(value); break;
      case Role::full_address: place_.full_address.set(value); break;
      case Role::business_status: place_.business_status.set(value); break;
      case Role::type:
        if (place_.type_count == place_.types.size()) place_.types.emplace_back();
        place_.types[place_.type_count++].assign(value);
        break;
      case Role::place: place_ended(false); break;
      default: break;
    }
  }

  void start_object() override {
    const Role role = begin_value();
    if (role == Role::body) body_is_object_ = true;
    if (role == Role::place) place_.clear();
    containers_.push_back({role, true});
  }

  void end_object() override {
    const Role role = containers_.back().role;
    containers_.pop_back();
    if (role == Role::place) place_ended(place_.usable());
  }

  void start_array() override {
    const Role role = begin_value();
    if (role == Role::places) places_ = Places::array;
    if (role == Role::place) place_ended(false);
    containers_.push_back({role, false});
  }

  void end_array() override { containers_.pop_back(); }

  void key(std::string_view name) override {
    switch (containers_.back().role) {
      case Role::body: key_role_ = name == "places" ? Role::places : Role::none; break;
      case Role::place: key_role_ = place_field(name); break;
      case Role::display_name: key_role_ = name == "text" ? Role::name : Role::none; break;
      case Role::location:
        key_role_ = name == "latitude"    ? Role::latitude
                    : name == "longitude" ? Role::longitude
                                          : Role::none;
        break;
      default: key_role_ = Role::none;
    }
  }

 private:
  enum class Places : std::uint8_t { absent, array, not_array };

  struct Container {
    Role role;
    bool object;
  };

  static json unreadable(const JsonScanError& error) {
    switch (error.kind) {
      case JsonScanError::Kind::invalid_utf8:
        return places_unreadable_at("invalid UTF-8", error.byte);
      case JsonScanError::Kind::number_out_of_range:
        return places_unreadable_at("number out of range", error.byte);
      case JsonScanError::Kind::too_deep: return places_nested_too_deep();
      default: return places_unreadable_at("not JSON", error.byte);
    }
  }

  // The answer printed from a document: a failure, or zero results.
  static NewPlacesConversion answer_from(const json& answer) {
    NewPlacesConversion done;
    done.answer = places_answer(answer);
    return done;
  }

  // The role of the value that starts now; what an earlier value under the
  // same key said no longer counts.
  Role begin_value() {
    Role role = Role::body;
    if (!containers_.empty()) {
      const Container& in = containers_.back();
      role = in.object                 ? key_role_
             : in.role == Role::places ? Role::place
             : in.role == Role::types  ? Role::type
                                       : Role::none;
    }
    switch (role) {
      case Role::places:
        places_ = Places::not_array;
        place_count_ = skipped_ = results_ = 0;
        results_text_.clear();
        break;
      case Role::id: place_.id.present = false; break;
      case Role::display_name:
      case Role::name: place_.name.present = false; break;
      case Role::location: place_.latitude = place_.longitude = nullptr; break;
      case Role::latitude: place_.latitude = nullptr; break;
      case Role::longitude: place_.longitude = nullptr; break;
      case Role::types: place_.type_count = 0; break;
      case Role::short_address: place_.short_address.present = false; break;
      case Role::full_address: place_.full_address.present = false; break;
      case Role::rating: place_.rating = nullptr; break;
      case Role::rating_count: place_.rating_count = nullptr; break;
      case Role::business_status: place_.business_status.present = false; break;
      default: break;
    }
    return role;
  }

  void scalar() {
    if (begin_value() == Role::place) place_ended(false);
  }

  template <typename Number>
  void number(Number value, bool integer) {
    switch (begin_value()) {
      case Role::latitude: place_.latitude = value; break;
      case Role::longitude: place_.longitude = value; break;
      case Role::rating: place_.rating = value; break;
      case Role::rating_count:
        if (integer) place_.rating_count = value;
        break;
      case Role::place: place_ended(false); break;
      default: break;
    }
  }

  // Places past the bound are counted, not looked at.
  void place_ended(bool usable) {
    ++place_count_;
    if (results_ == bound_) return;
    if (!usable) {
      ++skipped_;
      return;
    }
    if (results_ != 0) results_text_ += ",\n";
    ++results_;
    write_result();
  }

  // The legacy result, its keys in the order a parsed document prints them.
  void write_result() {
    std::string& out = results_text_;
    out += "      {\n";
    JsonObjectWriter result(out, 3);
    if (place_.business_status.present) {
      result.string("business_status", place_.business_status.text);
    }
    result.object("geometry", [&](JsonObjectWriter& geometry) {
      geometry.object("location", [&](JsonObjectWriter& location) {
        location.number("lat", place_.latitude);
        location.number("lng", place_.longitude);
      });
    });
    result.string("name", place_.name.text);
    result.string("place_id", place_.id.text);
    if (place_.rating.is_number()) result.number("rating", place_.rating);
    result.strings("types", std::span(place_.types.data(), place_.type_count));
    if (place_.rating_count.is_number()) {
      result.number("user_ratings_total", place_.rating_count);
    }
    // Legacy "vicinity" was the short address; the full one is the next best.
    if (place_.short_address.present) {
      result.string("vicinity", place_.short_address.text);
    } else if (place_.full_address.present) {
      result.string("vicinity", place_.full_address.text);
    }
    out += "\n      }";
  }

  const std::size_t bound_;
  std::vector<Container> containers_;
  Role key_role_ = Role::none;
  bool body_is_object_ = false;
  Places places_ = Places::absent;
  std::size_t place_count_ = 0;
  std::size_t skipped_ = 0;
  std::size_t results_ = 0;
  PlaceFields place_;
  std::string results_text_;
};

}  // namespace

NewPlacesConversion convert_new_places(std::string_view body, int bound) {
  return Converter(bound).finish(body);
}

}  // namespace herd
