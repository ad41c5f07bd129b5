#include "herd/gazetteer/geonames_types.hpp"

#include <array>
#include <utility>

namespace herd {

namespace {

using Types = std::span<const std::string_view>;

constexpr std::string_view locality[] = {"locality", "political"};
constexpr std::string_view neighborhood[] = {"neighborhood", "political"};
constexpr std::string_view country[] = {"country", "political"};
constexpr std::string_view area_1[] = {"administrative_area_level_1", "political"};
constexpr std::string_view area_2[] = {"administrative_area_level_2", "political"};
constexpr std::string_view area_3[] = {"administrative_area_level_3", "political"};
constexpr std::string_view area_4[] = {"administrative_area_level_4", "political"};
constexpr std::string_view area_5[] = {"administrative_area_level_5", "political"};
constexpr std::string_view political[] = {"political"};
constexpr std::string_view point_of_interest[] = {"point_of_interest"};
constexpr std::string_view natural_feature[] = {"natural_feature", "point_of_interest"};
constexpr std::string_view route[] = {"route", "point_of_interest"};
constexpr std::string_view park[] = {"park", "point_of_interest"};
constexpr std::string_view airport[] = {"airport", "point_of_interest"};
constexpr std::string_view school[] = {"school", "point_of_interest"};
constexpr std::string_view university[] = {"university", "point_of_interest"};
constexpr std::string_view hospital[] = {"hospital", "point_of_interest"};
constexpr std::string_view church[] = {"church", "place_of_worship", "point_of_interest"};
constexpr std::string_view mosque[] = {"mosque", "place_of_worship", "point_of_interest"};
constexpr std::string_view synagogue[] = {"synagogue", "place_of_worship", "point_of_interest"};
constexpr std::string_view worship[] = {"place_of_worship", "point_of_interest"};
constexpr std::string_view museum[] = {"museum", "point_of_interest"};
constexpr std::string_view library[] = {"library", "point_of_interest"};
constexpr std::string_view train_station[] = {"train_station", "transit_station",
                                              "point_of_interest"};
constexpr std::string_view subway_station[] = {"subway_station", "transit_station",
                                               "point_of_interest"};
constexpr std::string_view bus_station[] = {"bus_station", "transit_station", "point_of_interest"};
constexpr std::string_view lodging[] = {"lodging", "point_of_interest"};
constexpr std::string_view restaurant[] = {"restaurant", "food", "point_of_interest"};
constexpr std::string_view bank[] = {"bank", "finance", "point_of_interest"};
constexpr std::string_view post_office[] = {"post_office", "point_of_interest"};
constexpr std::string_view police[] = {"police", "point_of_interest"};
constexpr std::string_view fire_station[] = {"fire_station", "point_of_interest"};
constexpr std::string_view stadium[] = {"stadium", "point_of_interest"};
constexpr std::string_view zoo[] = {"zoo", "point_of_interest"};
constexpr std::string_view amusement_park[] = {"amusement_park", "point_of_interest"};
constexpr std::string_view cemetery[] = {"cemetery", "point_of_interest"};
constexpr std::string_view shopping_mall[] = {"shopping_mall", "point_of_interest"};
constexpr std::string_view casino[] = {"casino", "point_of_interest"};
constexpr std::string_view embassy[] = {"embassy", "point_of_interest"};
constexpr std::string_view city_hall[] = {"city_hall", "local_government_office",
                                          "point_of_interest"};
constexpr std::string_view courthouse[] = {"courthouse", "point_of_interest"};
constexpr std::string_view parking[] = {"parking", "point_of_interest"};
constexpr std::string_view gas_station[] = {"gas_station", "point_of_interest"};

// Feature codes with a Google type of their own (geonames.org/export/codes.html).
constexpr std::pair<std::string_view, Types> by_code[] = {
    // P: populated places. Sections are neighbourhoods; abandoned, destroyed
    // and historical places are no longer localities.
    {"PPLX", neighborhood},
    {"PPLH", point_of_interest},
    {"PPLQ", point_of_interest},
    {"PPLW", point_of_interest},
    {"PPLCH", point_of_interest},
    // A: administrative areas.
    {"PCL", country},
    {"PCLI", country},
    {"PCLD", country},
    {"PCLF", country},
    {"PCLIX", country},
    {"PCLS", country},
    {"ADM1", area_1},
    {"ADM2", area_2},
    {"ADM3", area_3},
    {"ADM4", area_4},
    {"ADM5", area_5},
    // S: spots, buildings, farms.
    {"AIRP", airport},
    {"AIRF", airport},
    {"AIRB", airport},
    {"SCH", school},
    {"SCHC", university},
    {"UNIV", university},
    {"HSP", hospital},
    {"HSPC", hospital},
    {"HSPD", hospital},
    {"CH", church},
    {"CTRR", worship},
    {"MSQE", mosque},
    {"SYG", synagogue},
    {"TMPL", worship},
    {"SHRN", worship},
    {"MUS", museum},
    {"LIBR", library},
    {"RSTN", train_station},
    {"RSTP", train_station},
    {"MTRO", subway_station},
    {"BUSTN", bus_station},
    {"HTL", lodging},
    {"HSTS", lodging},
    {"REST", restaurant},
    {"BANK", bank},
    {"PO", post_office},
    {"PP", police},
    {"FIRE", fire_station},
    {"STDM", stadium},
    {"ZOO", zoo},
    {"AMUS", amusement_park},
    {"CMTY", cemetery},
    {"MALL", shopping_mall},
    {"CSNO", casino},
    {"DIP", embassy},
    {"ADMF", city_hall},
    {"CTHSE", courthouse},
    {"PKLT", parking},
    {"GASF", gas_station},
    // L: parks and areas.
    {"PRK", park},
};

// What a feature class says when its code has no type of its own.
Types by_class(std::string_view feature_class) {
  if (feature_class.size() != 1) return point_of_interest;
  switch (feature_class.front()) {
    case 'P': return locality;
    case 'A': return political;
    case 'H':
    case 'T':
    case 'U':
    case 'V': return natural_feature;
    case 'R': return route;
    default: return point_of_interest;
  }
}

}  // namespace

Types geonames_types(std::string_view feature_class, std::string_view feature_code) {
  for (const auto& [code, types] : by_code) {
    if (code == feature_code) return types;
  }
  return by_class(feature_class);
}

}  // namespace herd
