"""The API's operations, one router per area of the site; api.api mounts them."""
