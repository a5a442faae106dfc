#include "server_int.h"
enum MHD_Result route_tools(req *r, char **seg, int nseg) { return MHD_NO; }
