#include "herd/links/flow_control.hpp"

namespace herd {

std::optional<SteadyTime> held_back_by(const LinkBacklog& link, const FlowLimits& limits) {
  const bool holds =
      link.bytes > limits.everyone_bytes || (link.holds_window && link.bytes > limits.window_bytes);
  if (!holds) return std::nullopt;
  return link.last_progress + limits.stall_limit;
}

}  // namespace herd
