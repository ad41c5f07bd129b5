// A backend's answer as JSON, once its text and figures are checked against
// each other: the text must be what format_places_json prints for it.
#pragma once

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "herd/places/places.hpp"

namespace herd::test {

inline nlohmann::json places_answer_json(const PlacesAnswer& answer) {
  const auto body = nlohmann::json::parse(answer.body);
  EXPECT_EQ(answer.body, format_places_json(body));
  EXPECT_EQ(answer.status, body.value("status", "?"));
  EXPECT_EQ(answer.results, body.value("results", nlohmann::json::array()).size());
  return body;
}

}  // namespace herd::test
