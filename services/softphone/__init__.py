"""The softphone bridge: a client that runs beside an agent's softphone (baresip ctrl_tcp) and
drives the call-center service with its call events; no service imports it."""
