#include "herd/server/member_state.hpp"

namespace herd {

MemberState::MemberState(boost::asio::io_context& io, Config config, std::size_t self,
                         std::shared_ptr<spdlog::logger> log, std::unique_ptr<PlacesBackend> places)
    : executor_(io.get_executor()),
      config_(std::move(config)),
      self_(self),
      log_(std::move(log)),
      supervisor_(io, *log_),
      table_(config_.member_names(), {config_.max_records, config_.max_record_text_bytes}),
      refused_iamats_(executor_, *log_, "IAMATs refused (table full)"),
      dropped_echoes_(executor_, *log_, "ECHOs dropped (table full)"),
      places_(std::move(places)),
      replies_(executor_),
      peers_(LinkContext(executor_, config_, self_, *log_, supervisor_, table_, dropped_echoes_)) {}

}  // namespace herd
