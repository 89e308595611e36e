import ControlPlane

// The control plane's resource types whose names NetworkModel also uses, named where only ControlPlane is
// imported so `ExpressConnectTests` (which imports both) can refer to them.
typealias APIVPC = VPC
typealias APIRouteEntry = RouteEntry
typealias APIRouterInterface = RouterInterface
