// Writing a Places reply (protocol.md §4) straight into its text, exactly as
// format_places_json prints the same document: keys in the order given (the
// caller gives them sorted, as a parsed document prints them), three-space
// indent, ", " nowhere, ": " after keys. For backends that answer without
// building a JSON document (convert_new_places, the GeoNames backend).
#pragma once

#include <iterator>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace herd {

// A JSON string as nlohmann's serializer prints it without ASCII escaping.
// `text` must be valid UTF-8: nothing is replaced.
void append_json_string(std::string& out, std::string_view text);

// `depth` levels of three spaces.
void append_json_indent(std::string& out, int depth);

// Writes the members of one object at a fixed depth, commas between them.
class JsonObjectWriter {
 public:
  JsonObjectWriter(std::string& out, int depth) : out_(out), depth_(depth) {}

  // Starts the member `name`; its value is written next by the caller.
  void key(std::string_view name);

  void string(std::string_view name, std::string_view value) {
    key(name);
    append_json_string(out_, value);
  }

  void number(std::string_view name, const nlohmann::json& value) {
    key(name);
    out_ += value.dump();
  }

  // The member `name` as an object one level deeper, whose members
  // `write_members(JsonObjectWriter&)` writes; "{}" when it writes none.
  template <typename WriteMembers>
  void object(std::string_view name, WriteMembers&& write_members) {
    key(name);
    out_ += '{';
    const std::size_t empty_size = out_.size();
    out_ += '\n';
    JsonObjectWriter members(out_, depth_ + 1);
    write_members(members);
    if (members.first_) {
      out_.resize(empty_size);
    } else {
      out_ += '\n';
      append_json_indent(out_, depth_);
    }
    out_ += '}';
  }

  // The member `name` as an array of strings, one a line; "[]" when empty.
  template <typename Strings>
  void strings(std::string_view name, const Strings& items) {
    key(name);
    if (std::empty(items)) {
      out_ += "[]";
      return;
    }
    out_ += '[';
    const char* separator = "\n";
    for (const auto& item : items) {
      out_ += separator;
      separator = ",\n";
      append_json_indent(out_, depth_ + 1);
      append_json_string(out_, item);
    }
    out_ += '\n';
    append_json_indent(out_, depth_);
    out_ += ']';
  }

 private:
  std::string& out_;
  int depth_;
  bool first_ = true;
};

}  // namespace herd
