# Deployable components of Cloudy: "<component> <project directory under services/>".
# Sourced by deploy/publish.sh; keep in step with deploy/docker-bake.hcl and charts/cloudy/values.yaml.
CLOUDY_COMPONENTS=(
  "gateway Cloudy.Gateway"
  "identity Cloudy.Identity"
  "key-directory Cloudy.KeyDirectory"
  "delivery Cloudy.Delivery"
  "presence Cloudy.Presence"
)
