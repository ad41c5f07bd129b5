#include "herd/places/places_json_writer.hpp"

#include <fmt/format.h>

#include <iterator>

namespace herd {

void append_json_string(std::string& out, std::string_view text) {
  out.push_back('"');
  std::size_t run = 0;  // start of the bytes that print as they are
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte >= 0x20 && byte != '"' && byte != '\\') continue;
    out.append(text.substr(run, i - run));
    run = i + 1;
    switch (byte) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\t': out += "\\t"; break;
      case '\n': out += "\\n"; break;
      case '\f': out += "\\f"; break;
      case '\r': out += "\\r"; break;
      default: fmt::format_to(std::back_inserter(out), "\\u{:04x}", byte);
    }
  }
  out.append(text.substr(run));
  out.push_back('"');
}

void append_json_indent(std::string& out, int depth) {
  out.append(static_cast<std::size_t>(depth) * 3, ' ');
}

void JsonObjectWriter::key(std::string_view name) {
  if (!first_) out_ += ",\n";
  first_ = false;
  append_json_indent(out_, depth_);
  append_json_string(out_, name);
  out_ += ": ";
}

}  // namespace herd
