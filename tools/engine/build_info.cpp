// The commit the engine was built from (tools/CMakeLists.txt), in one small
// file so a new id recompiles nothing else.
extern const char* const tickrail_build_id;
const char* const tickrail_build_id = TICKRAIL_BUILD_ID;
