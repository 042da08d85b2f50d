#!/usr/bin/ruby
# Answers requests with the real rack-cors 1.1.1 (Debian ruby-rack-cors, on
# Rack 2.2 and Ruby 3.1) for rackcors_test.go, the differential test of the
# engine's "rack-cors" emulation.
#
# One JSON request per line on standard input, one JSON answer per line on
# standard output; it exits when standard input closes. Strings that stand
# for bytes (the URL, the method, header names and values, answered header
# values) travel as Latin-1: each character is one byte.
#
#   {"op": "version"}
#       -> {"rack_cors": "1.1.1", "rack": "2.2.22", "ruby": "3.1.2"}
#   {"op": "call", "options": {JSON form}, "method": M, "url": U, "headers": [[name, value], ...]}
#       -> {"status": 200, "headers": [[name, line], ...]}
#       or {"config_error": "<exception message>", "class": "..."} when
#          Rack::Cors.new raises while its block runs
#       or {"raised": "<class>: <message>"} when the call raises
#
# A Rack::Cors is built once per options object from the JSON form, as
# /work/shared/reference/server-libraries-json.md maps it. The env comes
# from Rack::MockRequest.env_for(U) with REQUEST_METHOD set back to M as
# given; headers go in as WEBrick's meta_vars puts them (HTTP_ + upper-cased
# name, "-" as "_", values stripped and repeats joined with ", ", binary
# strings). The app is called directly; its header Hash is recorded in order,
# each value split into lines at "\n" as a Rack 2 server sends it.
require 'json'
require 'logger'

begin
  require 'rack'
  require 'rack/cors'
  require 'rack/cors/version'
rescue LoadError => e
  puts JSON.generate('load_error' => e.message)
  exit 3
end

INNER = lambda do |env|
  if env['PATH_INFO'] != '/r'
    [404, { 'Content-Type' => 'text/plain' }, ['Not Found']]
  elsif %w[GET POST PUT DELETE PATCH].include?(env['REQUEST_METHOD'])
    [200, { 'Content-Type' => 'text/plain' }, ['ok']]
  else
    [405, { 'Content-Type' => 'text/plain', 'Allow' => 'GET, POST, PUT, DELETE, PATCH' }, []]
  end
end

NULL_LOGGER = Logger.new(File::NULL)

def bytes(s)
  s.encode(Encoding::ISO_8859_1).b
end

def latin(s)
  s.to_s.b.force_encoding(Encoding::ISO_8859_1).encode(Encoding::UTF_8)
end

def origin_value(s)
  if (m = s.match(/\A\/(.*)\/(i?)\z/m))
    Regexp.new(m[1], m[2] == 'i' ? Regexp::IGNORECASE : nil)
  else
    s
  end
end

def resource_options(r)
  h = {}
  h[:headers] = r['headers'] == 'any' ? :any : r['headers'] if r.key?('headers')
  if r.key?('methods')
    m = r['methods']
    h[:methods] = m == 'any' ? :any : (m.is_a?(String) ? m.to_sym : m.map(&:to_sym))
  end
  h[:credentials] = r['credentials'] if r.key?('credentials')
  h[:expose] = r['expose'] if r.key?('expose')
  h[:max_age] = r['max_age'] if r.key?('max_age')
  h[:vary] = r['vary'] if r.key?('vary')
  h[:if] = r['if'] if r.key?('if')
  h
end

def build(o)
  blocks = o['allow'] || []
  opts = { logger: NULL_LOGGER }
  opts[:debug] = o['debug'] if o.key?('debug')
  Rack::Cors.new(INNER, opts) do
    blocks.each do |a|
      allow do
        origins(*[a['origins']].flatten.map { |s| origin_value(s) }) if a.key?('origins')
        (a['resources'] || []).each { |r| resource r['path'], resource_options(r) }
      end
    end
  end
end

def call(app, req)
  env = Rack::MockRequest.env_for(bytes(req['url']))
  env['REQUEST_METHOD'] = bytes(req['method'])
  groups = {}
  req['headers'].each { |n, v| (groups[bytes(n).downcase] ||= []) << bytes(v).strip }
  groups.each do |k, vs|
    next if k == 'content-type' || k == 'content-length'
    env['HTTP_' + k.tr('-', '_').upcase] = vs.join(', ')
  end
  status, headers, body = app.call(env)
  body.close if body.respond_to?(:close)
  lines = []
  headers.each do |k, v|
    (v.empty? ? [''] : v.split("\n")).each { |line| lines << [latin(k), latin(line)] }
  end
  { 'status' => status, 'headers' => lines }
rescue StandardError => e
  { 'raised' => "#{e.class}: #{e.message}" }
end

apps = {}
STDOUT.sync = true
STDIN.each_line do |line|
  req = JSON.parse(line)
  out = case req['op']
        when 'version'
          { 'rack_cors' => Rack::Cors::VERSION, 'rack' => Rack.release, 'ruby' => RUBY_VERSION }
        when 'call'
          key = JSON.generate(req['options'])
          app = apps[key] ||= begin
            build(req['options'])
          rescue StandardError => e
            { 'config_error' => e.message, 'class' => e.class.name }
          end
          app.is_a?(Hash) ? app : call(app, req)
        else
          { 'error' => "unknown op #{req['op']}" }
        end
  puts JSON.generate(out)
end
